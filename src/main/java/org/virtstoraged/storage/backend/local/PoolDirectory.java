package org.virtstoraged.storage.backend.local;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Map;
import java.util.Set;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.ErrorDomain;
import org.virtstoraged.error.VirException;
import org.virtstoraged.storage.SystemErrors;
import org.virtstoraged.storage.model.PoolDefinition;
import org.virtstoraged.storage.model.Permissions;

/**
 * The directory of a file-based pool (dir, and later fs/netfs once mounted): making it as
 * virStorageBackendBuildLocal does, removing it, and measuring it as virStorageBackendRefreshLocal does.
 */
public final class PoolDirectory {
    /** VIR_STORAGE_DEFAULT_POOL_PERM_MODE */
    public static final int DEFAULT_MODE = 0711;

    private PoolDirectory() {
    }

    static Path path(PoolDefinition pool) {
        return Path.of(pool.targetPath().orElseThrow());
    }

    /** virStorageBackendBuildLocal: parents with default modes, then the directory with the configured owner and mode. */
    public static void build(PoolDefinition pool) {
        String target = pool.targetPath().orElseThrow();
        int slash = target.lastIndexOf('/');
        if (slash < 0) {
            throw VirException.of(ErrorCode.INVALID_ARG, ErrorDomain.STORAGE, "path '%s' is not absolute", target);
        }
        if (slash > 0) {
            Path parent = Path.of(target.substring(0, slash));
            try {
                Files.createDirectories(parent);
            } catch (IOException e) {
                throw SystemErrors.of(e, "cannot create path '%s'", parent);
            }
        }
        Path dir = Path.of(target);
        Permissions perms = pool.targetPermissions();
        int mode = perms.mode();
        boolean existed = Files.exists(dir);
        if (mode == -1 && !existed) {
            mode = DEFAULT_MODE;
        }
        if (!existed) {
            try {
                Files.createDirectory(dir);
            } catch (IOException e) {
                throw SystemErrors.of(e, "failed to create directory '%s'", dir);
            }
        }
        try {
            applyOwnerAndMode(dir, perms.owner(), perms.group(), mode);
        } catch (VirException e) {
            if (!existed) {
                try {
                    Files.deleteIfExists(dir);
                } catch (IOException ignored) {
                    // the chown/chmod error is the one to report
                }
            }
            throw e;
        }
    }

    private static void applyOwnerAndMode(Path dir, long uid, long gid, int mode) {
        try {
            Map<String, Object> attrs = Files.readAttributes(dir, "unix:uid,gid");
            int currentUid = (Integer) attrs.get("uid");
            int currentGid = (Integer) attrs.get("gid");
            if ((uid != -1 && currentUid != uid) || (gid != -1 && currentGid != gid)) {
                try {
                    if (uid != -1) {
                        Files.setAttribute(dir, "unix:uid", (int) uid);
                    }
                    if (gid != -1) {
                        Files.setAttribute(dir, "unix:gid", (int) gid);
                    }
                } catch (IOException e) {
                    throw SystemErrors.of(e, "cannot chown '%s' to (%d, %d)", dir, Integer.toUnsignedLong((int) uid),
                            Integer.toUnsignedLong((int) gid));
                }
            }
        } catch (IOException e) {
            throw SystemErrors.of(e, "stat of '%s' failed", dir);
        }
        if (mode != -1) {
            try {
                Files.setAttribute(dir, "unix:mode", mode);
            } catch (IOException e) {
                throw SystemErrors.of(e, "cannot set mode of '%s' to %04o", dir, mode);
            }
        }
    }

    /** virStorageBackendDeleteLocal: rmdir, which fails while volumes are inside. */
    public static void delete(PoolDefinition pool) {
        Path dir = path(pool);
        try {
            Files.delete(dir);
        } catch (IOException e) {
            throw SystemErrors.of(e, "failed to remove pool '%s'", dir);
        }
    }

    /**
     * The pool's sizes from statvfs (capacity f_frsize*f_blocks, available f_bfree*f_frsize: libvirt counts
     * the root-reserved blocks as available) and the directory's own mode and owner.
     */
    public static PoolDefinition measure(PoolDefinition pool) {
        Path dir = path(pool);
        long capacity;
        long available;
        try {
            FileStore store = Files.getFileStore(dir);
            capacity = store.getTotalSpace();
            available = store.getUnallocatedSpace();
        } catch (IOException e) {
            throw SystemErrors.of(e, "cannot statvfs path '%s'", dir);
        }
        Map<String, Object> attrs;
        try {
            attrs = Files.readAttributes(dir, "unix:mode,uid,gid", LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw SystemErrors.of(e, "cannot stat path '%s'", dir);
        }
        int mode = ((Integer) attrs.get("mode")) & 0777;
        Permissions perms = new Permissions(mode, (Integer) attrs.get("uid"), (Integer) attrs.get("gid"), null);
        return pool.withSizes(capacity, capacity - available, available).withTargetPermissions(perms);
    }

    static Set<PosixFilePermission> none() {
        return Set.of();
    }
}
