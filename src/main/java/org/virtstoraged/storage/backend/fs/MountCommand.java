package org.virtstoraged.storage.backend.fs;

import java.util.ArrayList;
import java.util.List;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.ErrorDomain;
import org.virtstoraged.error.VirException;
import org.virtstoraged.storage.model.PoolDefinition;
import org.virtstoraged.storage.model.PoolSourceFormats;
import org.virtstoraged.storage.model.PoolType;

/**
 * The mount side of libvirt's fs and netfs pools: which source a pool mounts (device, HOST:DIR or //HOST/DIR),
 * the checks made before mounting or unmounting, and the mount argv (libvirt's mount command builder; checked
 * against libvirt's own storagepoolxml2argv test data).
 */
public final class MountCommand {
    /** The options libvirt 9.0 always passes on Linux, before any other. */
    static final String DEFAULT_OPTIONS = "nodev,nosuid,noexec";

    private MountCommand() {
    }

    /** virStorageBackendFileSystemIsValid: exactly one host and a dir for netfs, exactly one device for fs. */
    public static void validate(PoolDefinition def) {
        if (def.type() == PoolType.NETFS) {
            if (def.source().hosts().size() != 1) {
                throw VirException.of(ErrorCode.CONFIG_UNSUPPORTED, ErrorDomain.STORAGE,
                        "expected exactly 1 host for the storage pool");
            }
            if (def.source().hosts().get(0).name() == null) {
                throw VirException.of(ErrorCode.INTERNAL_ERROR, ErrorDomain.STORAGE, "missing source host");
            }
            if (def.source().dir().isEmpty()) {
                throw VirException.of(ErrorCode.INTERNAL_ERROR, ErrorDomain.STORAGE, "missing source path");
            }
        } else {
            int devices = def.source().devices().size();
            if (devices == 0) {
                throw VirException.of(ErrorCode.INTERNAL_ERROR, ErrorDomain.STORAGE, "missing source device");
            }
            if (devices != 1) {
                throw VirException.of(ErrorCode.CONFIG_UNSUPPORTED, ErrorDomain.STORAGE,
                        "expected exactly 1 device for the storage pool");
            }
        }
    }

    /** The source as mount and /proc/mounts name it: the device, HOST:DIR, or //HOST/DIR for cifs. */
    public static String poolSource(PoolDefinition def) {
        if (def.type() == PoolType.NETFS) {
            String host = def.source().hosts().get(0).name();
            String dir = def.source().dir().orElse("(null)");
            return "cifs".equals(format(def)) ? "//" + host + "/" + dir : host + ":" + dir;
        }
        return def.source().devices().get(0).path();
    }

    /** The source format's name ("auto" when none was given). */
    static String format(PoolDefinition def) {
        return def.source().format().orElseGet(() -> PoolSourceFormats.forPool(def.type())
                .map(PoolSourceFormats::defaultFormat).orElse("auto"));
    }

    /**
     * The mount argv: {@code -o} with the default options, then the type's own (nfsvers=, guest,
     * direct-io-mode=1), then the pool's fs:mount_opts; {@code -t FORMAT} except for a netfs pool of format
     * auto (plain mount finds nfs itself, mount -t auto does not); then the source and the target.
     */
    public static List<String> argv(String program, PoolDefinition def, String source) {
        String format = format(def);
        boolean netfs = def.type() == PoolType.NETFS;
        String nfsVers = netfs ? def.source().protocolVersion().map(v -> "nfsvers=" + v).orElse(null) : null;
        String provided;
        boolean withType = true;
        if (netfs && format.equals("auto")) {
            provided = nfsVers;
            withType = false;
        } else if (netfs && format.equals("glusterfs")) {
            provided = "direct-io-mode=1";
        } else if (netfs && format.equals("cifs")) {
            provided = "guest";
        } else {
            provided = nfsVers;
        }
        List<String> options = new ArrayList<>();
        options.add(DEFAULT_OPTIONS);
        if (provided != null) {
            options.add(provided);
        }
        options.addAll(def.mountOptions());
        List<String> argv = new ArrayList<>(List.of(program, "-o", String.join(",", options)));
        if (withType) {
            argv.add("-t");
            argv.add(format);
        }
        argv.add(source);
        argv.add(def.targetPath().orElseThrow());
        return argv;
    }
}
