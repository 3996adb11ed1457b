package org.virtstoraged.systemd;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Listening sockets handed over by a socket activator (systemd, systemd-socket-activate): the
 * protocol of sd_listen_fds(3). LISTEN_PID must name this process, LISTEN_FDS counts the
 * descriptors, which start at 3, and LISTEN_FDNAMES names each of them (colon separated; a
 * .socket unit's name unless it sets FileDescriptorName=).
 *
 * <p>As libvirt's daemons do: a LISTEN_PID for another process, or a malformed LISTEN_PID or
 * LISTEN_FDS, means no activation; a missing LISTEN_FDNAMES, or one with the wrong number of names,
 * is an error that is logged, after which the daemon binds its own sockets as if not activated.
 * When activation is present, a socket whose name was not passed is not created at all (the
 * administrator may have disabled that .socket unit), and a descriptor no service claims is an
 * error.
 */
public final class SocketActivation {
    /** The first passed descriptor: SD_LISTEN_FDS_START. */
    public static final int FIRST_FD = 3;
    /** The environment variables of the protocol, which are removed once read. */
    public static final List<String> VARIABLES = List.of("LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES");

    private final Map<String, List<Integer>> byName;

    private SocketActivation(Map<String, List<Integer>> byName) {
        this.byName = byName;
    }

    /** What the environment said: activation, none, or an error (then the daemon binds its own sockets). */
    public record Outcome(Optional<SocketActivation> activation, Optional<String> error, int passedFds) {
        /** Whether the LISTEN_* variables were meant for this process and must be consumed. */
        public boolean consumed() {
            return passedFds > 0;
        }
    }

    /** Reads LISTEN_PID, LISTEN_FDS and LISTEN_FDNAMES for the process {@code pid}. */
    public static Outcome parse(Map<String, String> env, long pid) {
        String pidText = env.get("LISTEN_PID");
        String fdsText = env.get("LISTEN_FDS");
        if (pidText == null || fdsText == null) {
            return none(0);
        }
        long listenPid;
        int nfds;
        try {
            listenPid = Long.parseLong(pidText.trim());
            nfds = Integer.parseInt(fdsText.trim());
        } catch (NumberFormatException e) {
            return none(0);
        }
        if (listenPid != pid || nfds < 0) {
            return none(0);
        }
        if (nfds == 0) {
            return none(0);
        }
        String names = env.get("LISTEN_FDNAMES");
        if (names == null) {
            return new Outcome(Optional.empty(),
                    Optional.of("Missing LISTEN_FDNAMES env from systemd socket activation"), nfds);
        }
        String[] list = names.split(":", -1);
        if (list.length != nfds) {
            return new Outcome(Optional.empty(),
                    Optional.of("Expecting " + nfds + " FD names but got " + list.length), nfds);
        }
        Map<String, List<Integer>> byName = new LinkedHashMap<>();
        for (int i = 0; i < nfds; i++) {
            byName.computeIfAbsent(list[i], k -> new ArrayList<>()).add(FIRST_FD + i);
        }
        return new Outcome(Optional.of(new SocketActivation(byName)), Optional.empty(), nfds);
    }

    private static Outcome none(int n) {
        return new Outcome(Optional.empty(), Optional.empty(), n);
    }

    /** Takes the descriptors passed under this name (none if it was not passed); each is claimed once. */
    public synchronized List<Integer> claim(String name) {
        List<Integer> fds = byName.remove(name);
        return fds == null ? List.of() : Collections.unmodifiableList(fds);
    }

    public synchronized boolean hasName(String name) {
        return byName.containsKey(name);
    }

    /** The names of descriptors nobody claimed. */
    public synchronized List<String> unclaimed() {
        return List.copyOf(byName.keySet());
    }

    /** The descriptors nobody claimed, to be closed. */
    public synchronized List<Integer> unclaimedFds() {
        List<Integer> all = new ArrayList<>();
        byName.values().forEach(all::addAll);
        return all;
    }
}
