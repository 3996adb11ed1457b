package org.virtstoraged.e2e;

import java.util.List;

/**
 * The pool types our daemon has backends for, in libvirt's registration order. libvirtd 9.0, which made the
 * recordings, had the same ones but iscsi-direct, rbd, gluster, zfs and vstorage (Debian's libvirtd had no
 * libvirt-daemon-driver-storage-iscsi-direct, -rbd, -gluster or -zfs when recording, and Debian builds libvirt
 * without vstorage); the answers that list backends are the one deliberate difference, and libvirt's own code
 * gives them this way when a backend is or is not loaded.
 */
final class LoadedBackends {
    static final List<String> TYPES = List.of("dir", "fs", "netfs", "logical", "iscsi", "iscsi-direct", "scsi", "mpath",
            "disk", "rbd", "gluster", "zfs", "vstorage");
    /** Ours that the recording libvirtd lacked, each after the type it follows in registration order. */
    private static final List<String[]> NOT_IN_RECORDINGS = List.<String[]>of(new String[] {"iscsi-direct", "iscsi"},
            new String[] {"rbd", "disk"}, new String[] {"gluster", "rbd"}, new String[] {"zfs", "gluster"},
            new String[] {"vstorage", "zfs"});
    private static final String ALTERNATIVES = String.join("|", TYPES);

    private LoadedBackends() {
    }

    /** virStoragePoolCapsFormat: supported='no' for the types without a backend here, 'yes' for ours. */
    static String poolCapabilities(String libvirtd) {
        String ours = libvirtd.replaceAll("<pool type='(?!(?:" + ALTERNATIVES + ")')([a-z-]+)' supported='yes'>",
                "<pool type='$1' supported='no'>");
        for (String[] type : NOT_IN_RECORDINGS) {
            ours = ours.replace("<pool type='" + type[0] + "' supported='no'>", "<pool type='" + type[0]
                    + "' supported='yes'>");
        }
        return ours;
    }

    /** The storage capabilities' pool type enum lists the loaded backends only (JSON-escaped newlines). */
    static String capabilitiesJson(String libvirtd) {
        String ours = libvirtd.replaceAll("      <value>(?!(?:" + ALTERNATIVES + ")<)[^<]*</value>\\\\n", "");
        for (String[] type : NOT_IN_RECORDINGS) {
            ours = ours.replace("      <value>" + type[1] + "</value>\\n",
                    "      <value>" + type[1] + "</value>\\n      <value>" + type[0] + "</value>\\n");
        }
        return ours;
    }
}
