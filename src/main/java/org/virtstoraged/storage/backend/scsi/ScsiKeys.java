package org.virtstoraged.storage.backend.scsi;

import java.util.List;
import org.virtstoraged.storage.command.CommandResult;
import org.virtstoraged.storage.command.CommandRunner;

/**
 * The key of a SCSI volume (virStorageBackendSCSISerial): the LU's serial as udev's scsi_id reports it, or
 * for a vHBA's LU the serial with the target port (an LU is seen once per port there). When scsi_id gives
 * nothing (it is missing, fails, or prints nothing) the key is the volume's path, as libvirt's is.
 */
final class ScsiKeys {
    static final String SCSI_ID = "/lib/udev/scsi_id";

    private final CommandRunner runner;
    private final String scsiId;

    ScsiKeys(CommandRunner runner, String scsiId) {
        this.runner = runner;
        this.scsiId = scsiId;
    }

    String key(String path, boolean npiv) {
        String key = npiv ? npivKey(path) : scsiKey(path);
        return key == null ? path : key;
    }

    /** virStorageFileGetSCSIKey: the first line when scsi_id succeeds; its output as it is otherwise. */
    private String scsiKey(String path) {
        CommandResult r = runner.run(List.of(scsiId, "--replace-whitespace", "--whitelisted", "--device", path));
        String out = r.stdout();
        if (r.exitCode() == 0) {
            int nl = out.indexOf('\n');
            if (nl >= 0) {
                out = out.substring(0, nl);
            }
        }
        return out.isEmpty() ? null : out;
    }

    /** virStorageFileGetNPIVKey: ID_SERIAL and ID_TARGET_PORT of scsi_id --export, as SERIAL_PORTn. */
    private String npivKey(String path) {
        CommandResult r = runner.run(List.of(scsiId, "--replace-whitespace", "--whitelisted", "--export", "--device",
                path));
        String out = r.stdout();
        if (r.exitCode() != 0 || out.isEmpty()) {
            return null;
        }
        String serial = value(out, "ID_SERIAL=");
        String port = value(out, "ID_TARGET_PORT=");
        if (serial == null || port == null || serial.isEmpty() || port.isEmpty()) {
            return null;
        }
        return serial + "_PORT" + port;
    }

    /** The text after the first occurrence of NAME= up to the end of its line (libvirt's strstr). */
    private static String value(String out, String prefix) {
        int at = out.indexOf(prefix);
        if (at < 0) {
            return null;
        }
        String rest = out.substring(at + prefix.length());
        int nl = rest.indexOf('\n');
        return nl < 0 ? rest : rest.substring(0, nl);
    }
}
