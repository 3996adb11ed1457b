package org.virtstoraged.storage.backend.fs;

import java.util.Optional;
import java.util.function.Function;

/**
 * The programs the fs and netfs backends run, at the absolute paths Debian's libvirt 9.0 was built with (its
 * storage_backend_fs module runs /bin/mount, /bin/umount, /sbin/mkfs and /sbin/showmount; those paths appear
 * in its "Child process (...)" errors), and how a program is looked up in PATH (virFindFileInPath: mkfs is
 * checked for before formatting, gluster is only used when found).
 *
 * @param which a program name or absolute path to the absolute path of an executable, or empty
 */
public record FsTools(String mount, String umount, String mkfs, String showmount,
        Function<String, Optional<String>> which) {
    public static final FsTools DEBIAN = new FsTools("/bin/mount", "/bin/umount", "/sbin/mkfs", "/sbin/showmount",
            org.virtstoraged.storage.backend.local.ExecutableLocator::find);

}
