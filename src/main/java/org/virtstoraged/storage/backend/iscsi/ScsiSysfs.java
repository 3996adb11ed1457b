package org.virtstoraged.storage.backend.iscsi;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.ErrorDomain;
import org.virtstoraged.error.VirException;
import org.virtstoraged.storage.SystemErrors;

/**
 * What the kernel shows of an iSCSI session's SCSI devices in sysfs, read as libvirt 9.0 reads it
 * (storage_backend_iscsi.c and the SCSI LU scan of storage_util.c). The root is "/" in the daemon; tests give
 * a directory holding a made-up class/ and bus/ tree. Messages name the paths as libvirt does, under the root.
 */
final class ScsiSysfs {
    /** libvirt's VIR_STORAGE_DEVICE_TYPE_DISK and _ROM: the only SCSI peripheral types that become volumes. */
    static final int TYPE_DISK = 0;
    static final int TYPE_ROM = 5;
    /** sscanf("target%u:") succeeds once the number is read: what follows it is not checked. */
    private static final Pattern TARGET = Pattern.compile("^target(\\d+).*");

    /** One logical unit: host:bus:target:lun. */
    record Lun(long host, long bus, long target, long lun) {
        String address() {
            return host + ":" + bus + ":" + target + ":" + lun;
        }
    }

    private final Path root;

    ScsiSysfs(Path root) {
        this.root = root;
    }

    /** The SCSI host of the session: from the first "targetH:..." entry of the session's device directory. */
    long hostNumber(String session) {
        String path = sysPath("class/iscsi_session/session" + session + "/device");
        for (String name : list(path)) {
            if (name.startsWith("target")) {
                Matcher m = TARGET.matcher(name);
                if (!m.matches()) {
                    throw VirException.of(ErrorCode.INTERNAL_ERROR, ErrorDomain.STORAGE, "Failed to parse target '%s'",
                            name);
                }
                return Long.parseLong(m.group(1));
            }
        }
        throw VirException.of(ErrorCode.INTERNAL_ERROR, ErrorDomain.STORAGE,
                "Failed to get host number for iSCSI session with path '%s'", path);
    }

    /** The logical units of the host, in directory order (libvirt's readdir order). */
    List<Lun> luns(long host) {
        Pattern own = Pattern.compile("^" + host + ":(\\d+):(\\d+):(\\d+).*");
        List<Lun> luns = new ArrayList<>();
        for (String name : list(sysPath("bus/scsi/devices"))) {
            Matcher m = own.matcher(name);
            if (m.matches()) {
                luns.add(new Lun(host, Long.parseLong(m.group(1)), Long.parseLong(m.group(2)),
                        Long.parseLong(m.group(3))));
            }
        }
        return luns;
    }

    /**
     * getDeviceType: the SCSI peripheral type from the first two characters of the LU's type file. libvirt
     * reports the reason and then a message of its own, which is the one the caller sees.
     */
    int deviceType(Lun lun) {
        String path = sysPath("bus/scsi/devices/" + lun.address() + "/type");
        String head;
        try {
            String text = Files.readString(Path.of(path));
            head = text.substring(0, Math.min(2, text.length()));
        } catch (IOException e) {
            throw notDirectAccess(lun);
        }
        Matcher m = Pattern.compile("^\\s*([+-]?\\d+).*", Pattern.DOTALL).matcher(head);
        if (!m.matches()) {
            throw notDirectAccess(lun);
        }
        return Integer.parseInt(m.group(1));
    }

    /**
     * getBlockDevice: the LU's block device name, from its "block" directory (new style) or from a "block:NAME"
     * entry (old style); empty when the LU has none.
     */
    Optional<String> blockDevice(Lun lun) {
        String lunPath = sysPath("bus/scsi/devices/" + lun.address());
        for (String name : list(lunPath)) {
            if (!name.startsWith("block")) {
                continue;
            }
            if (name.length() == 5) {
                List<String> block = list(lunPath + "/block");
                return block.isEmpty() ? Optional.empty() : Optional.of(block.get(0));
            }
            int colon = name.lastIndexOf(':');
            if (colon < 0) {
                throw VirException.of(ErrorCode.INTERNAL_ERROR, ErrorDomain.STORAGE, "Failed to parse block name %s",
                        name);
            }
            return Optional.of(name.substring(colon + 1));
        }
        return Optional.empty();
    }

    private static VirException notDirectAccess(Lun lun) {
        return VirException.of(ErrorCode.INTERNAL_ERROR, ErrorDomain.STORAGE,
                "Failed to determine if %s is a Direct-Access LUN", lun.address());
    }

    private String sysPath(String relative) {
        String base = root.toString();
        return (base.endsWith("/") ? base : base + "/") + relative;
    }

    /** virDirOpen + virDirRead: the entry names in directory order, without . and .. */
    private static List<String> list(String dir) {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(Path.of(dir))) {
            for (Path entry : entries) {
                names.add(entry.getFileName().toString());
            }
        } catch (IOException e) {
            throw SystemErrors.of(e, ErrorDomain.NONE, "cannot open directory '%s'", dir);
        }
        return names;
    }
}
