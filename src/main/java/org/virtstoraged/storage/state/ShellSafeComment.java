package org.virtstoraged.storage.state;

/** Picks the name libvirt puts after "virsh pool-edit" in a saved file's warning (virXMLPickShellSafeComment). */
final class ShellSafeComment {
    private static final String UNSAFE = "\r\t\n !\"#$&'()*;<>?[\\]^`{|}~";

    private ShellSafeComment() {
    }

    static String pick(String first, String second) {
        if (isSafe(first)) {
            return first;
        }
        return isSafe(second) ? second : null;
    }

    private static boolean isSafe(String s) {
        if (s == null || s.contains("--")) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (UNSAFE.indexOf(s.charAt(i)) >= 0) {
                return false;
            }
        }
        return true;
    }

    /** The comment libvirt writes at the top of every definition and state file it saves. */
    static String warning(String name, String uuid) {
        String picked = pick(name, uuid);
        return "<!--\n"
                + "WARNING: THIS IS AN AUTO-GENERATED FILE. CHANGES TO IT ARE LIKELY TO BE\n"
                + "OVERWRITTEN AND LOST. Changes to this xml configuration should be made using:\n"
                + "  virsh pool-edit" + (picked == null ? "" : " " + picked) + "\n"
                + "or other application using the libvirt API.\n"
                + "-->\n\n";
    }
}
