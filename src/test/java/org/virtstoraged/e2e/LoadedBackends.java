package org.virtstoraged.e2e;

import java.util.List;

/**
 * The pool types our daemon has backends for. libvirtd 9.0, which made the recordings, also has iscsi, scsi
 * and mpath; the answers that list backends are the one deliberate difference, and libvirt's own code
 * gives them this way when a backend is not loaded.
 */
final class LoadedBackends {
    static final List<String> TYPES = List.of("dir", "fs", "netfs", "logical", "disk");
    private static final String ALTERNATIVES = String.join("|", TYPES);

    private LoadedBackends() {
    }

    /** virStoragePoolCapsFormat: supported='no' for the types without a backend here. */
    static String poolCapabilities(String libvirtd) {
        return libvirtd.replaceAll("<pool type='(?!(?:" + ALTERNATIVES + ")')([a-z-]+)' supported='yes'>",
                "<pool type='$1' supported='no'>");
    }

    /** The storage capabilities' pool type enum lists the loaded backends only (JSON-escaped newlines). */
    static String capabilitiesJson(String libvirtd) {
        return libvirtd.replaceAll("      <value>(?!(?:" + ALTERNATIVES + ")<)[^<]*</value>\\\\n", "");
    }
}
