package org.virtstoraged.storage.backend.fs;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.ErrorDomain;
import org.virtstoraged.error.VirException;
import org.virtstoraged.storage.command.CommandResult;
import org.virtstoraged.storage.command.CommandRunner;

/**
 * virStorageBackendDeviceIsEmpty for building a pool ("write label"): is there nothing on the device that
 * formatting would destroy? libvirt asks libblkid in-process (a superblock probe, then a partition-table probe);
 * this daemon asks the blkid program of the same library through the {@link CommandRunner}:
 * {@code blkid -p -o export DEVICE} does both low-level probes and prints TYPE= for a file system (or other
 * superblock) and PTTYPE= for a partition table; it exits 2 when it finds nothing.
 */
public final class DeviceContent {
    static final String BLKID = "blkid";
    /** Partition-table names libblkid does not report as libvirt names them: libvirt leaves them to parted. */
    private static final List<String> UNPROBED_LABELS = List.of("dvh", "pc98", "bsd");

    private final CommandRunner runner;
    private final String blkid;

    public DeviceContent(CommandRunner runner) {
        this(runner, BLKID);
    }

    DeviceContent(CommandRunner runner, String blkid) {
        this.runner = runner;
        this.blkid = blkid;
    }

    enum Probe { UNDEFINED, UNKNOWN, MATCH, DIFFERENT, ERROR }

    /** The argv of the probe. */
    List<String> argv(String device) {
        return List.of(blkid, "-p", "-o", "export", device);
    }

    /**
     * Returns normally when the device holds nothing blkid recognizes; otherwise throws libvirt's error:
     * already formatted with the wanted format, formatted differently, or not probeable.
     */
    public void requireEmpty(String device, String format) {
        List<String> argv = argv(device);
        CommandResult r = runner.run(argv);
        Probe probe;
        if (r.exitCode() == 2) {
            probe = Probe.UNDEFINED; // nothing found, by either probe
        } else if (r.exitCode() == 0) {
            Map<String, String> values = parse(r.stdout());
            if (values.containsKey("TYPE")) {
                probe = values.get("TYPE").equals(format) ? Probe.MATCH : Probe.DIFFERENT;
            } else if (UNPROBED_LABELS.contains(format)) {
                probe = Probe.UNKNOWN;
            } else if (values.containsKey("PTTYPE")) {
                probe = values.get("PTTYPE").equals(format) ? Probe.MATCH : Probe.DIFFERENT;
            } else {
                probe = Probe.UNDEFINED;
            }
        } else if (r.exitCode() == 8) {
            probe = Probe.ERROR; // ambiguous: more than one signature
        } else {
            throw VirException.of(ErrorCode.STORAGE_PROBE_FAILED, ErrorDomain.STORAGE,
                    "Failed to create filesystem probe for device %s", device);
        }
        switch (probe) {
            case UNDEFINED:
                return;
            case ERROR:
                throw VirException.of(ErrorCode.STORAGE_PROBE_FAILED, ErrorDomain.STORAGE,
                        "Failed to probe for format type '%s'", format);
            case UNKNOWN:
                throw VirException.of(ErrorCode.OPERATION_INVALID, ErrorDomain.STORAGE,
                        "Unable to probe '%s' for existing data, forced overwrite is necessary", device);
            case MATCH:
                throw VirException.of(ErrorCode.STORAGE_POOL_BUILT, ErrorDomain.STORAGE,
                        "Device '%s' already formatted using '%s'", device, format);
            case DIFFERENT:
            default:
                throw VirException.of(ErrorCode.STORAGE_POOL_BUILT, ErrorDomain.STORAGE,
                        "Format of device '%s' does not match the expected format '%s', forced overwrite is "
                                + "necessary", device, format);
        }
    }

    static Map<String, String> parse(String export) {
        Map<String, String> values = new HashMap<>();
        for (String line : export.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                values.putIfAbsent(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return values;
    }
}
