package org.virtstoraged.storage.backend.vstorage;

import java.nio.file.Path;
import java.util.List;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.ErrorDomain;
import org.virtstoraged.error.VirException;
import org.virtstoraged.storage.backend.local.PoolDirectory;
import org.virtstoraged.storage.backend.local.ProcessIdentity;
import org.virtstoraged.storage.model.Permissions;
import org.virtstoraged.storage.model.PoolDefinition;
import org.virtstoraged.util.UnixAccounts;

/**
 * virStorageBackendVzPoolStart's command line: vstorage-mount -c CLUSTER TARGET -m MODE -g GROUP -u USER. The
 * target's permissions give mode (octal, no leading zero), owner and group, which vstorage-mount takes by
 * name; unset ones are libvirt's defaults (0711, the daemon's effective ids), written into the pool.
 */
final class VstorageMount {
    static final String PROGRAM = "vstorage-mount";

    private final Path passwd;
    private final Path group;

    VstorageMount(Path passwd, Path group) {
        this.passwd = passwd;
        this.group = group;
    }

    /** The target permissions with libvirt's defaults filled in, as the pool shows them after a start. */
    static Permissions withDefaults(Permissions perms) {
        Permissions p = perms;
        if (p.mode() == -1) {
            p = p.withMode(PoolDirectory.DEFAULT_MODE);
        }
        return p.withOwnership(p.owner() == -1 ? ProcessIdentity.effectiveUid() : p.owner(),
                p.group() == -1 ? ProcessIdentity.effectiveGid() : p.group());
    }

    /** The argv for a pool whose permissions {@link #withDefaults} filled in; the group is named first. */
    List<String> argv(PoolDefinition pool) {
        Permissions perms = pool.targetPermissions();
        String groupName = UnixAccounts.nameOf(group, perms.group()).orElseThrow(() -> VirException.of(
                ErrorCode.SYSTEM_ERROR, ErrorDomain.NONE, "Failed to find group record for gid '%d'", perms.group()));
        String userName = UnixAccounts.nameOf(passwd, perms.owner()).orElseThrow(() -> VirException.of(
                ErrorCode.SYSTEM_ERROR, ErrorDomain.NONE, "Failed to find user record for uid '%d'", perms.owner()));
        return List.of(PROGRAM, "-c", cluster(pool), pool.targetPath().orElseThrow(), "-m",
                Integer.toOctalString(perms.mode()), "-g", groupName, "-u", userName);
    }

    /** The cluster name: the source name (the pool's name when none was given). */
    static String cluster(PoolDefinition pool) {
        return pool.source().name().orElse(pool.name());
    }

    /** How the mounted cluster appears in the mount table. */
    static String mountSource(PoolDefinition pool) {
        return "vstorage://" + cluster(pool);
    }
}
