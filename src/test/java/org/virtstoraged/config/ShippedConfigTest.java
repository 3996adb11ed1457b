package org.virtstoraged.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The shipped config/virtstoraged.conf and the parser must agree. */
class ShippedConfigTest {

    private static final Path SHIPPED = Path.of(System.getProperty("user.dir"), "config", "virtstoraged.conf");
    private static final Pattern COMMENTED_SETTING = Pattern.compile("^#([a-z_]+) = .*$");

    private static List<String> lines() throws IOException {
        return Files.readAllLines(SHIPPED);
    }

    /** setting name -> the commented-out line documenting it. */
    private static Map<String, String> documented() throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        for (String l : lines()) {
            Matcher m = COMMENTED_SETTING.matcher(l);
            if (m.matches()) {
                String prev = out.put(m.group(1), l);
                assertEquals(null, prev, "documented twice: " + m.group(1));
            }
        }
        return out;
    }

    @Test
    void parsesToNoSettingsAndLoadsAsDefaults() throws Exception {
        assertTrue(ConfParser.read(SHIPPED).isEmpty());
        for (boolean privileged : new boolean[] {true, false}) {
            DaemonConfig c = DaemonConfig.load(SHIPPED, privileged);
            DaemonConfig d = DaemonConfig.defaults(privileged);
            assertEquals(d.authUnixRw(), c.authUnixRw());
            assertEquals(d.unixSockRwPerms(), c.unixSockRwPerms());
            assertEquals(d.maxClients(), c.maxClients());
        }
    }

    @Test
    void documentsExactlyTheAcceptedSettingsInOrder() throws IOException {
        assertEquals(new ArrayList<>(DaemonConfig.acceptedSettings().keySet()), new ArrayList<>(documented().keySet()));
    }

    @Test
    void everyDocumentedSettingIsAcceptedOnceUncommented() throws Exception {
        StringBuilder all = new StringBuilder();
        for (String l : documented().values()) {
            String setting = l.substring(1);
            all.append(setting).append('\n');
            for (boolean privileged : new boolean[] {true, false}) {
                ConfFile f = ConfParser.parse("shipped", setting);
                assertEquals(1, f.entries().size(), setting);
                DaemonConfig.from(f, privileged);
            }
        }
        // ...and all of them together, with every other line kept as is.
        StringBuilder whole = new StringBuilder();
        for (String l : lines()) {
            whole.append(COMMENTED_SETTING.matcher(l).matches() ? l.substring(1) : l).append('\n');
        }
        for (boolean privileged : new boolean[] {true, false}) {
            ConfFile f = ConfParser.parse("shipped", whole.toString());
            assertEquals(DaemonConfig.acceptedSettings().size(), f.entries().size());
            DaemonConfig.from(f, privileged);
        }
    }

    @Test
    void documentedNumbersAreTheDefaults() throws Exception {
        Map<String, Function<DaemonConfig, Object>> getters = new LinkedHashMap<>();
        getters.put("max_clients", DaemonConfig::maxClients);
        getters.put("max_queued_clients", DaemonConfig::maxQueuedClients);
        getters.put("max_anonymous_clients", DaemonConfig::maxAnonymousClients);
        getters.put("min_workers", DaemonConfig::minWorkers);
        getters.put("max_workers", DaemonConfig::maxWorkers);
        getters.put("prio_workers", DaemonConfig::prioWorkers);
        getters.put("max_client_requests", DaemonConfig::maxClientRequests);
        getters.put("admin_min_workers", DaemonConfig::adminMinWorkers);
        getters.put("admin_max_workers", DaemonConfig::adminMaxWorkers);
        getters.put("admin_max_clients", DaemonConfig::adminMaxClients);
        getters.put("admin_max_queued_clients", DaemonConfig::adminMaxQueuedClients);
        getters.put("admin_max_client_requests", DaemonConfig::adminMaxClientRequests);
        getters.put("log_level", DaemonConfig::logLevel);
        getters.put("audit_level", DaemonConfig::auditLevel);
        getters.put("audit_logging", DaemonConfig::auditLogging);
        getters.put("keepalive_interval", c -> (long) c.keepaliveInterval());
        getters.put("keepalive_count", DaemonConfig::keepaliveCount);
        getters.put("admin_keepalive_interval", c -> (long) c.adminKeepaliveInterval());
        getters.put("admin_keepalive_count", DaemonConfig::adminKeepaliveCount);
        getters.put("ovs_timeout", DaemonConfig::ovsTimeout);
        getters.put("unix_sock_ro_perms", DaemonConfig::unixSockRoPerms);
        getters.put("unix_sock_admin_perms", DaemonConfig::unixSockAdminPerms);

        Map<String, String> doc = documented();
        for (var g : getters.entrySet()) {
            String line = doc.get(g.getKey());
            DaemonConfig set = DaemonConfig.from(ConfParser.parse("shipped", line.substring(1)), true);
            assertEquals(g.getValue().apply(DaemonConfig.defaults(true)), g.getValue().apply(set), line);
        }
        // Mode-dependent defaults: the file shows the session value for the rw mode and the root value for auth.
        assertEquals(DaemonConfig.defaults(false).unixSockRwPerms(),
                DaemonConfig.from(ConfParser.parse(doc.get("unix_sock_rw_perms").substring(1)), false).unixSockRwPerms());
        assertEquals(DaemonConfig.defaults(true).authUnixRw(),
                DaemonConfig.from(ConfParser.parse(doc.get("auth_unix_rw").substring(1)), true).authUnixRw());
        assertEquals(DaemonConfig.defaults(true).authUnixRo(),
                DaemonConfig.from(ConfParser.parse(doc.get("auth_unix_ro").substring(1)), true).authUnixRo());
    }
}
