package org.virtstoraged.storage.backend.iscsi;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.ErrorDomain;
import org.virtstoraged.error.VirException;

/** Reads iscsiadm's output with libvirt 9.0's patterns (viriscsi.c), line by line as virCommandRunRegex does. */
final class IscsiadmOutput {
    /** "tcp: [1] 192.168.122.170:3260,1 demo-tgt-b": the session id and the target (anything after is ignored). */
    private static final Pattern SESSION = Pattern.compile("^tcp:\\s+\\[(\\S+)\\]\\s+\\S+\\s+(\\S+).*$");
    /** sendtargets: "portal target" per line. */
    private static final Pattern TARGET = Pattern.compile("^\\s*(\\S+)\\s+(\\S+)\\s*$");

    private IscsiadmOutput() {
    }

    /** The id of the first session logged in to the target, if any. */
    static Optional<String> session(String output, String target) {
        for (String line : output.split("\n", -1)) {
            Matcher m = SESSION.matcher(line);
            if (m.matches() && m.group(2).equals(target)) {
                return Optional.of(m.group(1));
            }
        }
        return Optional.empty();
    }

    /** The target names sendtargets discovery listed, in its order. */
    static List<String> targets(String output) {
        List<String> targets = new ArrayList<>();
        for (String line : output.split("\n", -1)) {
            Matcher m = TARGET.matcher(line);
            if (m.matches()) {
                targets.add(m.group(2));
            }
        }
        return targets;
    }

    /**
     * virStorageBackendIQNFound: the interface whose initiator name (the fifth comma-separated field after the
     * name) is the IQN. Like libvirt, a last line without a newline is not read, and a line without a space or
     * with fewer than four commas after it is an error naming that line.
     */
    static Optional<String> ifaceFor(String output, String initiatorIqn, String iscsiadm) {
        int start = 0;
        while (start < output.length()) {
            int newline = output.indexOf('\n', start);
            if (newline < 0) {
                break;
            }
            String line = output.substring(start, newline);
            int space = line.indexOf(' ');
            if (space < 0) {
                throw malformed(iscsiadm, line);
            }
            String rest = line.substring(space + 1);
            for (int i = 0; i < 4; i++) {
                int comma = rest.indexOf(',');
                if (comma < 0) {
                    throw malformed(iscsiadm, line);
                }
                rest = rest.substring(comma + 1);
            }
            if (rest.equals(initiatorIqn)) {
                return Optional.of(line.substring(0, space));
            }
            start = newline + 1;
        }
        return Optional.empty();
    }

    private static VirException malformed(String iscsiadm, String line) {
        return VirException.of(ErrorCode.INTERNAL_ERROR, ErrorDomain.NONE, "malformed output of %s: %s", iscsiadm,
                line);
    }
}
