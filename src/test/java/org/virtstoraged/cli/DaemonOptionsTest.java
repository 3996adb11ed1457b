package org.virtstoraged.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.virtstoraged.cli.DaemonOptions.Action;

/** The command line as glibc's getopt_long reads libvirt's options ("df:hp:t:v" and the long names). */
class DaemonOptionsTest {
    private static DaemonOptions parse(String... argv) {
        return DaemonOptions.parse("virtstoraged", argv);
    }

    private static void assertError(String complaint, boolean usage, String... argv) {
        DaemonOptions o = parse(argv);
        assertEquals(Action.ERROR, o.action(), String.join(" ", argv));
        assertEquals(complaint, o.complaint());
        assertEquals(usage, o.usage(), complaint);
    }

    @Test
    void noOptionsRunsTheDaemon() {
        DaemonOptions o = parse();
        assertEquals(Action.RUN, o.action());
        assertFalse(o.verbose);
        assertFalse(o.daemon);
        assertNull(o.configFile);
        assertNull(o.pidFile);
        assertNull(o.timeout);
        assertEquals(0, o.timeoutSeconds);
    }

    @Test
    void shortAndLongFormsWithTheirArguments() {
        DaemonOptions o = parse("-v", "--daemon", "-f", "a.conf", "--pid-file=x.pid", "--timeout", "120");
        assertEquals(Action.RUN, o.action());
        assertTrue(o.verbose);
        assertTrue(o.daemon);
        assertEquals(Path.of("a.conf"), o.configFile);
        assertEquals(Path.of("x.pid"), o.pidFile);
        assertEquals("120", o.timeout);
        assertEquals(120, o.timeoutSeconds);
        o = parse("-vdfb.conf", "-t5", "-p", "-dash.pid");
        assertTrue(o.verbose && o.daemon);
        assertEquals(Path.of("b.conf"), o.configFile, "-vdfFILE: the rest of the cluster is f's argument");
        assertEquals(Path.of("-dash.pid"), o.pidFile, "a required argument is the next word, whatever it looks like");
        assertEquals(5, o.timeoutSeconds);
        o = parse("--config", "--timeout=7");
        assertEquals(Path.of("--timeout=7"), o.configFile);
        assertNull(o.timeout);
    }

    @Test
    void uniquePrefixesOfLongOptionsAreAccepted() {
        DaemonOptions o = parse("--verb", "--pid=p", "--t=3", "--conf", "c");
        assertEquals(Action.RUN, o.action());
        assertTrue(o.verbose);
        assertEquals(Path.of("p"), o.pidFile);
        assertEquals(3, o.timeoutSeconds);
        assertEquals(Path.of("c"), o.configFile);
        assertEquals(Action.VERSION, parse("--vers").action());
        assertEquals(Action.HELP, parse("--h").action());
    }

    @Test
    void helpAndVersionActAsSoonAsTheyAreRead() {
        assertEquals(Action.HELP, parse("-h", "--bogus").action());
        assertEquals(Action.VERSION, parse("--version", "extra").action());
        assertEquals(Action.HELP, parse("-vh").action());
        assertError("virtstoraged: unrecognized option '--bogus'", true, "--bogus", "--version");
    }

    @Test
    void complaintsAreGlibcs() {
        assertError("virtstoraged: unrecognized option '--bogus'", true, "--bogus");
        assertError("virtstoraged: unrecognized option '--bogus=1'", true, "--bogus=1");
        assertError("virtstoraged: invalid option -- 'x'", true, "-x");
        assertError("virtstoraged: invalid option -- 'V'", true, "-V");
        assertError("virtstoraged: invalid option -- 'x'", true, "-vx");
        assertError("virtstoraged: option requires an argument -- 'f'", true, "-f");
        assertError("virtstoraged: option '--config' requires an argument", true, "--config");
        assertError("virtstoraged: option '--help' doesn't allow an argument", true, "--help=yes");
        assertError("virtstoraged: option '--v' is ambiguous; possibilities: '--verbose' '--version'", true, "--v");
        assertError("virtstoraged: unexpected, non-option, command line arguments", false, "extra");
        assertError("virtstoraged: unexpected, non-option, command line arguments", false, "-v", "--", "-d");
        assertError("virtstoraged: unexpected, non-option, command line arguments", false, "-");
    }

    @Test
    void aBadTimeoutIsRefusedWhereItIsRead() {
        for (String bad : new String[] {"-1", "abc", "3000000", ""}) {
            DaemonOptions o = parse("-t", bad, "--bogus");
            assertEquals(Action.ERROR, o.action(), bad);
            assertTrue(o.complaint().endsWith(": error : Invalid value for timeout"), o.complaint());
            assertFalse(o.usage());
        }
        assertEquals(2147483, parse("--timeout=2147483").timeoutSeconds);
        assertEquals(Action.RUN, parse("--").action());
    }
}
