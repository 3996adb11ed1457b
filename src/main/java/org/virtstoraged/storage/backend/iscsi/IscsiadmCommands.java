package org.virtstoraged.storage.backend.iscsi;

import java.util.ArrayList;
import java.util.List;

/**
 * The iscsiadm command lines libvirt 9.0 runs (viriscsi.c), word for word: the argv is what a playback test
 * checks and what libvirt's errors print, so nothing here may be reordered.
 */
final class IscsiadmCommands {
    /** The absolute path Debian's libvirt 9.0 was built with (its build system found iscsiadm there; with
     * usrmerge /usr/bin and /usr/sbin both reach open-iscsi's). */
    static final String DEFAULT_PATH = "/usr/bin/iscsiadm";

    private final String iscsiadm;

    IscsiadmCommands(String iscsiadm) {
        this.iscsiadm = iscsiadm;
    }

    String program() {
        return iscsiadm;
    }

    List<String> sessions() {
        return List.of(iscsiadm, "--mode", "session");
    }

    List<String> ifaces() {
        return List.of(iscsiadm, "--mode", "iface");
    }

    List<String> ifaceNew(String iface) {
        return List.of(iscsiadm, "--mode", "iface", "--interface", iface, "--op", "new");
    }

    List<String> ifaceSetInitiator(String iface, String initiatorIqn) {
        return List.of(iscsiadm, "--mode", "iface", "--interface", iface, "--op", "update", "--name",
                "iface.initiatorname", "--value", initiatorIqn);
    }

    /** sendtargets discovery; without persist the records found are not kept (--op nonpersistent). */
    List<String> sendTargets(String portal, String iface, boolean persist) {
        List<String> argv = new ArrayList<>(List.of(iscsiadm, "--mode", "discovery", "--type", "sendtargets",
                "--portal", portal));
        if (!persist) {
            argv.addAll(List.of("--op", "nonpersistent"));
        }
        if (iface != null) {
            argv.addAll(List.of("--interface", iface));
        }
        return List.copyOf(argv);
    }

    /** --login or --logout; the interface goes last, after the operation, as libvirt appends it. */
    List<String> connection(String portal, String target, String operation, String iface) {
        List<String> argv = new ArrayList<>(List.of(iscsiadm, "--mode", "node", "--portal", portal, "--targetname",
                target, operation));
        if (iface != null) {
            argv.addAll(List.of("--interface", iface));
        }
        return List.copyOf(argv);
    }

    List<String> nodeNew(String portal, String target) {
        return List.of(iscsiadm, "--mode", "node", "--portal", portal, "--targetname", target, "--op", "new");
    }

    /** libvirt writes "--target" here, not "--targetname" as elsewhere (iscsiadm takes both). */
    List<String> nodeUpdate(String portal, String target, String name, String value) {
        return List.of(iscsiadm, "--mode", "node", "--portal", portal, "--target", target, "--op", "update",
                "--name", name, "--value", value);
    }

    List<String> rescan(String session) {
        return List.of(iscsiadm, "--mode", "session", "-r", session, "-R");
    }
}
