package org.virtstoraged.systemd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SocketActivationTest {
    private static final long PID = 4242;

    private static Map<String, String> env(String pid, String fds, String names) {
        Map<String, String> env = new HashMap<>();
        if (pid != null) {
            env.put("LISTEN_PID", pid);
        }
        if (fds != null) {
            env.put("LISTEN_FDS", fds);
        }
        if (names != null) {
            env.put("LISTEN_FDNAMES", names);
        }
        return env;
    }

    @Test
    void descriptorsStartAtThreeInTheOrderOfTheirNames() {
        var out = SocketActivation.parse(
                env("4242", "3", "virtstoraged.socket:virtstoraged-ro.socket:virtstoraged-admin.socket"), PID);
        assertTrue(out.consumed());
        assertTrue(out.error().isEmpty());
        SocketActivation act = out.activation().orElseThrow();
        assertEquals(List.of(3), act.claim("virtstoraged.socket"));
        assertEquals(List.of(5), act.claim("virtstoraged-admin.socket"));
        assertEquals(List.of("virtstoraged-ro.socket"), act.unclaimed());
        assertEquals(List.of(4), act.unclaimedFds());
        assertEquals(List.of(4), act.claim("virtstoraged-ro.socket"));
        assertTrue(act.unclaimed().isEmpty());
    }

    @Test
    void aNameGivenTwiceCollectsAllItsDescriptors() {
        SocketActivation act = SocketActivation.parse(env("4242", "3", "a.socket:b.socket:a.socket"), PID)
                .activation().orElseThrow();
        assertEquals(List.of(3, 5), act.claim("a.socket"));
        assertEquals(List.of(), act.claim("a.socket"), "claimed once only");
        assertTrue(act.hasName("b.socket"));
        assertFalse(act.hasName("c.socket"));
    }

    @Test
    void anotherProcessesVariablesAreLeftAlone() {
        var out = SocketActivation.parse(env("4243", "1", "virtstoraged.socket"), PID);
        assertFalse(out.consumed());
        assertTrue(out.activation().isEmpty());
        assertTrue(out.error().isEmpty());
    }

    @Test
    void missingOrMalformedVariablesMeanNoActivation() {
        for (Map<String, String> e : List.of(env(null, null, null), env("4242", null, "x"), env(null, "1", "x"),
                env("x42", "1", "x"), env("4242", "one", "x"), env("4242", "0", ""), env("4242", "-1", "x"))) {
            var out = SocketActivation.parse(e, PID);
            assertTrue(out.activation().isEmpty(), e.toString());
            assertTrue(out.error().isEmpty(), e.toString());
            assertFalse(out.consumed(), e.toString());
        }
    }

    @Test
    void namesAreRequiredAndMustMatchTheCount() {
        var missing = SocketActivation.parse(env("4242", "2", null), PID);
        assertTrue(missing.consumed());
        assertTrue(missing.activation().isEmpty());
        assertEquals("Missing LISTEN_FDNAMES env from systemd socket activation", missing.error().orElseThrow());

        var wrong = SocketActivation.parse(env("4242", "2", "virtstoraged.socket"), PID);
        assertTrue(wrong.activation().isEmpty());
        assertEquals("Expecting 2 FD names but got 1", wrong.error().orElseThrow());
    }

    @Test
    void emptyNamesAreNamesToo() {
        SocketActivation act = SocketActivation.parse(env("4242", "2", ":x"), PID).activation().orElseThrow();
        assertEquals(List.of(3), act.claim(""));
        assertEquals(List.of(4), act.claim("x"));
    }

    @Test
    void notifyAddressesTurnAtIntoTheAbstractNamespace() {
        assertArrayEquals(new byte[] {0, 'n', 's'}, SdNotify.address("@ns"));
        assertArrayEquals("/run/systemd/notify".getBytes(), SdNotify.address("/run/systemd/notify"));
        assertFalse(new SdNotify(Map.of()).enabled());
        assertFalse(new SdNotify(Map.of()).send("READY=1"));
        assertTrue(new SdNotify(Map.of("NOTIFY_SOCKET", "@x")).enabled());
    }
}
