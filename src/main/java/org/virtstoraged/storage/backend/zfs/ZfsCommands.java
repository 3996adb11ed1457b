package org.virtstoraged.storage.backend.zfs;

import java.util.ArrayList;
import java.util.List;

/**
 * The zfs and zpool command lines of libvirt 9.0's zfs backend, word for word: -H drops headers and separates
 * fields by tabs, -p prints exact numbers. Sizes are given in KiB, rounded up.
 */
final class ZfsCommands {
    static final String ZFS = "zfs";
    static final String ZPOOL = "zpool";

    private ZfsCommands() {
    }

    /** "zfs get" without arguments: usage on stderr, exit status 2; it names volmode where zvols have one. */
    static List<String> usage() {
        return List.of(ZFS, "get");
    }

    /** The pool's health and sizes, one property a line: NAME, PROPERTY, VALUE, SOURCE. */
    static List<String> poolProperties(String zpool) {
        return List.of(ZPOOL, "get", "-Hp", "health,size,free,allocated", zpool);
    }

    /** Every volume under the dataset, nested ones too: NAME, VOLSIZE, REFRESERVATION. */
    static List<String> volumes(String dataset) {
        return List.of(ZFS, "list", "-Hp", "-t", "volume", "-r", "-o", "name,volsize,refreservation", dataset);
    }

    /** A zvol of {@code capacity} bytes; sparse (-s) unless fully allocated, reserving {@code allocation}. */
    static List<String> createVolume(boolean volmode, long capacity, long allocation, String dataset, String name) {
        List<String> argv = new ArrayList<>(List.of(ZFS, "create"));
        if (volmode) {
            argv.addAll(List.of("-o", "volmode=dev"));
        }
        if (capacity != allocation) {
            argv.add("-s");
            if (allocation > 0) {
                argv.addAll(List.of("-o", "refreservation=" + kib(allocation) + "K"));
            }
        }
        argv.addAll(List.of("-V", kib(capacity) + "K", dataset + "/" + name));
        return argv;
    }

    static List<String> destroyVolume(String dataset, String name) {
        return List.of(ZFS, "destroy", dataset + "/" + name);
    }

    /** A pool named by a dataset below a zpool is built as that dataset, without a mount point. */
    static List<String> createDataset(String dataset) {
        return List.of(ZFS, "create", "-o", "mountpoint=none", dataset);
    }

    static List<String> createPool(String zpool, List<String> devices) {
        List<String> argv = new ArrayList<>(List.of(ZPOOL, "create", zpool));
        argv.addAll(devices);
        return argv;
    }

    static List<String> destroyDataset(String dataset) {
        return List.of(ZFS, "destroy", "-r", dataset);
    }

    static List<String> destroyPool(String zpool) {
        return List.of(ZPOOL, "destroy", zpool);
    }

    /** VIR_DIV_UP(bytes, 1024), unsigned. */
    static String kib(long bytes) {
        return Long.toUnsignedString(Long.divideUnsigned(bytes, 1024) + (Long.remainderUnsigned(bytes, 1024) == 0 ? 0 : 1));
    }
}
