package org.virtstoraged.storage.backend.logical;

import java.util.ArrayList;
import java.util.List;

/**
 * The lvm2 command lines of libvirt 9.0's logical backend, word for word. Debian's libvirt was built with
 * the tools under /sbin, and libvirt prints these paths in its errors, so they are absolute here too.
 */
final class LvmCommands {
    static final String PVCREATE = "/sbin/pvcreate";
    static final String PVREMOVE = "/sbin/pvremove";
    static final String PVS = "/sbin/pvs";
    static final String VGCREATE = "/sbin/vgcreate";
    static final String VGREMOVE = "/sbin/vgremove";
    static final String VGCHANGE = "/sbin/vgchange";
    static final String VGSCAN = "/sbin/vgscan";
    static final String VGS = "/sbin/vgs";
    static final String LVS = "/sbin/lvs";
    static final String LVCREATE = "/sbin/lvcreate";
    static final String LVREMOVE = "/sbin/lvremove";
    static final String LVCHANGE = "/sbin/lvchange";

    /** The columns of the volume listing, in the order the parser expects them. */
    static final String LVS_COLUMNS = "lv_name,origin,uuid,devices,segtype,stripes,seg_size,vg_extent_size,size,lv_attr";

    private LvmCommands() {
    }

    static List<String> pvcreate(String device) {
        return List.of(PVCREATE, device);
    }

    static List<String> pvremove(String device) {
        return List.of(PVREMOVE, device);
    }

    static List<String> vgcreate(String vg, List<String> devices) {
        List<String> argv = new ArrayList<>(List.of(VGCREATE, vg));
        argv.addAll(devices);
        return argv;
    }

    static List<String> vgremove(String vg) {
        return List.of(VGREMOVE, "-f", vg);
    }

    /** virStorageBackendLogicalChangeCmd: activate (-aly) or deactivate (-aln) every LV of the group. */
    static List<String> vgchange(String vg, boolean on) {
        return List.of(VGCHANGE, on ? "-aly" : "-aln", vg);
    }

    static List<String> vgscan() {
        return List.of(VGSCAN);
    }

    static List<String> pvs() {
        return List.of(PVS, "--noheadings", "-o", "pv_name,vg_name");
    }

    static List<String> lvs(String vg) {
        return List.of(LVS, "--separator", "#", "--noheadings", "--units", "b", "--unbuffered", "--nosuffix",
                "--options", LVS_COLUMNS, vg);
    }

    static List<String> vgs(String vg) {
        return List.of(VGS, "--separator", ":", "--noheadings", "--units", "b", "--unbuffered", "--nosuffix",
                "--options", "vg_size,vg_free", vg);
    }

    static List<String> lvremove(String path) {
        return List.of(LVREMOVE, "-f", path);
    }

    static List<String> lvchangeDeactivate(String path) {
        return List.of(LVCHANGE, "-aln", path);
    }

    /**
     * virStorageBackendLogicalLVCreate: a thick LV of the capacity, or (allocation below capacity) a sparse
     * one: a snapshot of the allocation over a virtual origin of the capacity; a volume with a backing
     * store is a snapshot (-s) of it. Sizes are KiB rounded up; LUKS volumes get 2 MiB for the header.
     */
    static List<String> lvcreate(String name, long capacity, long allocation, boolean encrypted, String backingPath,
            String vg) {
        List<String> argv = new ArrayList<>(List.of(LVCREATE, "--name", name, "-L"));
        if (capacity != allocation) {
            argv.add(kib(allocation != 0 ? allocation : 1) + "K");
            argv.addAll(List.of("--type", "snapshot", "--virtualsize"));
        }
        long size = encrypted ? capacity + 2L * 1024 * 1024 : capacity;
        argv.add(kib(size) + "K");
        if (backingPath != null) {
            argv.addAll(List.of("-s", backingPath));
        } else {
            argv.add(vg);
        }
        argv.add("--yes");
        return argv;
    }

    /** VIR_DIV_UP(bytes, 1024) on unsigned numbers. */
    static String kib(long bytes) {
        long q = Long.divideUnsigned(bytes, 1024);
        if (Long.remainderUnsigned(bytes, 1024) != 0) {
            q++;
        }
        return Long.toUnsignedString(q);
    }
}
