package org.virtstoraged.storage.backend.disk;

import java.util.List;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.ErrorDomain;
import org.virtstoraged.error.VirException;
import org.virtstoraged.storage.command.CommandResult;
import org.virtstoraged.storage.command.CommandRunner;

/**
 * virStorageBackendDeviceIsEmpty as libvirt 9.0 (built with libblkid, as Debian's is) runs it for a disk
 * pool: what is on the device is probed first for a file system, then for a partition table; labels libblkid
 * does not handle for libvirt (dvh, pc98, bsd) are asked of parted instead. The probes here run the blkid
 * and parted programs: {@code blkid -p -o export DEV} (TYPE for a file system, PTTYPE for a partition
 * table, exit status 2 when nothing is found) and {@code parted DEV print --script}.
 */
final class DeviceLabelCheck {
    private final CommandRunner runner;
    private final String parted;

    DeviceLabelCheck(CommandRunner runner, String parted) {
        this.runner = runner;
        this.parted = parted;
    }

    /**
     * Throws libvirt's error when the device is not fit: for writing a label (build without --overwrite), it
     * must be blank; for using it (start, check), it must carry a label of {@code format}.
     */
    void requireFit(String device, String format, boolean writeLabel) {
        int ret = blkid(device, format, writeLabel);
        if (ret == -2) {
            ret = partedLabel(device, format, writeLabel);
        }
        if (ret == -2 && !writeLabel) {
            ret = 0;
        }
        if (ret == -2) {
            throw VirException.of(ErrorCode.OPERATION_INVALID, ErrorDomain.STORAGE,
                    "Unable to probe '%s' for existing data, forced overwrite is necessary", device);
        }
    }

    private enum Probe { UNDEFINED, UNKNOWN, MATCH, DIFFERENT }

    /** virStorageBackendBLKIDFindEmpty: 0 fit, -2 ask parted; otherwise throws. */
    private int blkid(String device, String format, boolean writeLabel) {
        List<String> argv = List.of("blkid", "-p", "-o", "export", device);
        CommandResult r = runner.run(argv);
        if (r.exitCode() != 0 && r.exitCode() != 2) {
            throw VirException.of(ErrorCode.STORAGE_PROBE_FAILED, ErrorDomain.STORAGE,
                    "Failed to create filesystem probe for device %s", device);
        }
        String fsType = value(r.stdout(), "TYPE");
        String ptType = value(r.stdout(), "PTTYPE");
        Probe probe;
        if (fsType != null) {
            probe = fsType.equals(format) ? Probe.MATCH : Probe.DIFFERENT;
        } else if (format.equals("dvh") || format.equals("pc98") || format.equals("bsd")) {
            probe = Probe.UNKNOWN;
        } else if (ptType != null) {
            probe = ptType.equals(format) ? Probe.MATCH : Probe.DIFFERENT;
        } else {
            probe = Probe.UNDEFINED;
        }
        switch (probe) {
            case UNDEFINED:
                if (writeLabel) {
                    return 0;
                }
                throw VirException.of(ErrorCode.STORAGE_PROBE_FAILED, ErrorDomain.STORAGE,
                        "Device '%s' is unrecognized, requires build", device);
            case UNKNOWN:
                return -2;
            case MATCH:
                if (writeLabel) {
                    throw VirException.of(ErrorCode.STORAGE_POOL_BUILT, ErrorDomain.STORAGE,
                            "Device '%s' already formatted using '%s'", device, format);
                }
                return 0;
            default:
                if (writeLabel) {
                    throw VirException.of(ErrorCode.STORAGE_POOL_BUILT, ErrorDomain.STORAGE,
                            "Format of device '%s' does not match the expected format '%s', forced overwrite is "
                                    + "necessary", device, format);
                }
                throw VirException.of(ErrorCode.OPERATION_INVALID, ErrorDomain.STORAGE,
                        "Format of device '%s' does not match the expected format '%s'", device, format);
        }
    }

    private static String value(String export, String key) {
        for (String line : export.split("\n")) {
            if (line.startsWith(key + "=")) {
                return line.substring(key.length() + 1);
            }
        }
        return null;
    }

    /** virStorageBackendPARTEDValidLabel. */
    private int partedLabel(String device, String format, boolean writeLabel) {
        List<String> argv = List.of(parted, device, "print", "--script");
        CommandResult r = runner.run(argv);
        if (r.exitCode() != 0) {
            if (r.stdout().contains("unrecognised disk label") || r.stderr().contains("unrecognised disk label")) {
                if (writeLabel) {
                    return 0;
                }
                throw VirException.of(ErrorCode.OPERATION_FAILED, ErrorDomain.STORAGE,
                        "Unrecognized disk label found, requires build");
            }
            throw VirException.of(ErrorCode.OPERATION_FAILED, ErrorDomain.STORAGE,
                    "Error checking for disk label, failed to get disk partition information");
        }
        int at = r.stdout().indexOf("Partition Table: ");
        int eol = at < 0 ? -1 : r.stdout().indexOf('\n', at);
        if (eol < 0) {
            throw VirException.of(ErrorCode.OPERATION_FAILED, ErrorDomain.STORAGE,
                    "Unable to determine Partition Type, requires build --overwrite");
        }
        String found = r.stdout().substring(at + "Partition Table: ".length(), eol);
        if (found.equals("msdos")) {
            found = "dos";
        }
        if (!List.of("unknown", "dos", "dvh", "gpt", "mac", "bsd", "pc98", "sun", "lvm2").contains(found)) {
            throw VirException.of(ErrorCode.OPERATION_FAILED, ErrorDomain.STORAGE,
                    "Unknown Partition Type, requires build --overwrite");
        }
        if (found.equals(format)) {
            if (writeLabel) {
                throw VirException.of(ErrorCode.OPERATION_INVALID, ErrorDomain.STORAGE,
                        "Disk label already formatted using '%s'", format);
            }
            return 0;
        }
        throw VirException.of(ErrorCode.OPERATION_FAILED, ErrorDomain.STORAGE,
                "Known, but different label format present, requires build --overwrite");
    }
}
