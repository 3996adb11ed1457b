package org.virtstoraged.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.virtstoraged.config.DaemonConfig.AuthMethod;

class DaemonConfigTest {

    private static DaemonConfig conf(String text, boolean privileged) throws ConfigException {
        return DaemonConfig.from(ConfParser.parse("t.conf", text), privileged);
    }

    private static String error(String text) {
        return error(text, true);
    }

    private static String error(String text, boolean privileged) {
        return assertThrows(ConfigException.class, () -> conf(text, privileged)).getMessage();
    }

    // ------------------------------------------------------------ defaults

    @Test
    void rootDefaults() {
        DaemonConfig c = DaemonConfig.defaults(true);
        assertTrue(c.privileged());
        assertEquals(Optional.empty(), c.fileName());
        assertEquals(AuthMethod.POLKIT, c.authUnixRw());
        assertEquals(AuthMethod.POLKIT, c.authUnixRo());
        assertEquals("0777", c.unixSockRwPerms());
        assertEquals(0777, c.unixSockRwMode());
        assertCommonDefaults(c);
    }

    @Test
    void sessionDefaults() {
        DaemonConfig c = DaemonConfig.defaults(false);
        assertFalse(c.privileged());
        assertEquals(AuthMethod.NONE, c.authUnixRw());
        assertEquals(AuthMethod.NONE, c.authUnixRo());
        assertEquals("0700", c.unixSockRwPerms());
        assertEquals(0700, c.unixSockRwMode());
        assertCommonDefaults(c);
    }

    private static void assertCommonDefaults(DaemonConfig c) {
        assertEquals("0777", c.unixSockRoPerms());
        assertEquals(0777, c.unixSockRoMode());
        assertEquals("0700", c.unixSockAdminPerms());
        assertEquals(0700, c.unixSockAdminMode());
        assertNull(c.unixSockGroup());
        assertNull(c.unixSockDir());
        assertEquals(List.of(), c.accessDrivers());
        assertEquals(Optional.empty(), c.saslAllowedUsernameList());
        assertEquals(5, c.minWorkers());
        assertEquals(20, c.maxWorkers());
        assertEquals(5000, c.maxClients());
        assertEquals(1000, c.maxQueuedClients());
        assertEquals(20, c.maxAnonymousClients());
        assertEquals(5, c.prioWorkers());
        assertEquals(5, c.maxClientRequests());
        assertEquals(5, c.adminMinWorkers());
        assertEquals(20, c.adminMaxWorkers());
        assertEquals(5000, c.adminMaxClients());
        assertEquals(20, c.adminMaxQueuedClients());
        assertEquals(5, c.adminMaxClientRequests());
        assertEquals(1, c.auditLevel());
        assertFalse(c.auditLogging());
        assertNull(c.hostUuid());
        assertNull(c.hostUuidSource());
        assertEquals(0, c.logLevel());
        assertNull(c.logFilters());
        assertNull(c.logOutputs());
        assertEquals(5, c.keepaliveInterval());
        assertEquals(5, c.keepaliveCount());
        assertEquals(5, c.adminKeepaliveInterval());
        assertEquals(5, c.adminKeepaliveCount());
        assertEquals(5, c.ovsTimeout());
    }

    @Test
    void emptyFileGivesDefaults() throws Exception {
        DaemonConfig c = conf("# nothing\n", false);
        assertEquals(Optional.of("t.conf"), c.fileName());
        assertEquals("0700", c.unixSockRwPerms());
        assertCommonDefaults(c);
    }

    // ------------------------------------------------------------ values

    @Test
    void everySettingIsRead() throws Exception {
        DaemonConfig c = conf("""
                unix_sock_group = "libvirt"
                unix_sock_ro_perms = "0755"
                unix_sock_rw_perms = "0770"
                unix_sock_admin_perms = "0600"
                unix_sock_dir = "/var/run/x"
                auth_unix_ro = "none"
                auth_unix_rw = "polkit"
                access_drivers = [ "polkit", "none" ]
                sasl_allowed_username_list = [ "joe@EXAMPLE.COM" ]
                max_clients = 1
                max_queued_clients = 2
                max_anonymous_clients = 0
                min_workers = 3
                max_workers = 4
                prio_workers = 6
                max_client_requests = 7
                admin_min_workers = 8
                admin_max_workers = 0
                admin_max_clients = 10
                admin_max_queued_clients = 11
                admin_max_client_requests = 12
                log_level = 4
                log_filters = "1:storage"
                log_outputs = "1:stderr"
                audit_level = 2
                audit_logging = 1
                host_uuid = "  4B1A2C3D 5E6F-7081-92a3-b4c5d6e7f809 "
                host_uuid_source = "whatever: host_uuid wins"
                keepalive_interval = -1
                keepalive_count = 4294967295
                keepalive_required = 1
                admin_keepalive_interval = +9
                admin_keepalive_count = 0
                admin_keepalive_required = 0
                ovs_timeout = 30
                """, false);
        assertEquals("libvirt", c.unixSockGroup());
        assertEquals(0755, c.unixSockRoMode());
        assertEquals(0770, c.unixSockRwMode());
        assertEquals("0770", c.unixSockRwPerms());
        assertEquals(0600, c.unixSockAdminMode());
        assertEquals("/var/run/x", c.unixSockDir());
        assertEquals(AuthMethod.NONE, c.authUnixRo());
        assertEquals(AuthMethod.POLKIT, c.authUnixRw());
        assertEquals(List.of("polkit", "none"), c.accessDrivers());
        assertEquals(Optional.of(List.of("joe@EXAMPLE.COM")), c.saslAllowedUsernameList());
        assertEquals(1, c.maxClients());
        assertEquals(2, c.maxQueuedClients());
        assertEquals(0, c.maxAnonymousClients());
        assertEquals(3, c.minWorkers());
        assertEquals(4, c.maxWorkers());
        assertEquals(6, c.prioWorkers());
        assertEquals(7, c.maxClientRequests());
        assertEquals(8, c.adminMinWorkers());
        assertEquals(0, c.adminMaxWorkers());
        assertEquals(10, c.adminMaxClients());
        assertEquals(11, c.adminMaxQueuedClients());
        assertEquals(12, c.adminMaxClientRequests());
        assertEquals(4, c.logLevel());
        assertEquals("1:storage", c.logFilters());
        assertEquals("1:stderr", c.logOutputs());
        assertEquals(2, c.auditLevel());
        assertTrue(c.auditLogging());
        assertEquals("  4B1A2C3D 5E6F-7081-92a3-b4c5d6e7f809 ", c.hostUuid());
        assertEquals("whatever: host_uuid wins", c.hostUuidSource());
        assertEquals(-1, c.keepaliveInterval());
        assertEquals(4294967295L, c.keepaliveCount());
        assertEquals(9, c.adminKeepaliveInterval());
        assertEquals(0, c.adminKeepaliveCount());
        assertEquals(30, c.ovsTimeout());
    }

    @Test
    void polkitOnTheRwSocketWidensItsDefaultMode() throws Exception {
        DaemonConfig c = conf("auth_unix_rw = \"polkit\"\n", false);
        assertEquals("0777", c.unixSockRwPerms());
        assertEquals(0777, c.unixSockRwMode());
        // An explicit mode wins, wherever it is in the file.
        c = conf("unix_sock_rw_perms = \"0770\"\nauth_unix_rw = \"polkit\"\n", false);
        assertEquals("0770", c.unixSockRwPerms());
    }

    @Test
    void rootWithoutPolkitKeepsTheWideDefaultMode() throws Exception {
        // libvirt decides the default mode before reading the file and only ever widens it.
        DaemonConfig c = conf("auth_unix_rw = \"none\"\n", true);
        assertEquals(AuthMethod.NONE, c.authUnixRw());
        assertEquals(AuthMethod.POLKIT, c.authUnixRo());
        assertEquals("0777", c.unixSockRwPerms());
    }

    @Test
    void firstOccurrenceWinsAndLaterOnesAreNotChecked() throws Exception {
        DaemonConfig c = conf("max_clients = 10\nmax_clients = \"eleven\"\n", true);
        assertEquals(10, c.maxClients());
    }

    @Test
    void minWorkersAboveMaxIsAccepted() throws Exception {
        DaemonConfig c = conf("min_workers = 50\nmax_workers = 2\n", true);
        assertEquals(50, c.minWorkers());
        assertEquals(2, c.maxWorkers());
    }

    @Test
    void octalModesAsStrtolReadsThem() throws Exception {
        assertEquals(0770, conf("unix_sock_ro_perms = \"770\"", true).unixSockRoMode());
        assertEquals(0770, conf("unix_sock_ro_perms = \" \t0770\"", true).unixSockRoMode());
        assertEquals(0, conf("unix_sock_ro_perms = \"0\"", true).unixSockRoMode());
        assertEquals(0600, conf("unix_sock_ro_perms = \"+0600\"", true).unixSockRoMode());
        assertEquals(-7, conf("unix_sock_ro_perms = \"-7\"", true).unixSockRoMode());
    }

    @Test
    void hostUuidRules() {
        assertTrue(DaemonConfig.validHostUuid("4b1a2c3d-5e6f-7081-92a3-b4c5d6e7f809"));
        assertTrue(DaemonConfig.validHostUuid("4b1a2c3d5e6f708192a3b4c5d6e7f809"));
        assertTrue(DaemonConfig.validHostUuid("4b-1a-2c3d5e6f708192a3b4c5d6e7f809\n"));
        assertFalse(DaemonConfig.validHostUuid("00000000-0000-0000-0000-000000000000"));
        assertFalse(DaemonConfig.validHostUuid("ffffffff-ffff-ffff-ffff-ffffffffffff"));
        assertFalse(DaemonConfig.validHostUuid("4b1a2c3d-5e6f-7081-92a3-b4c5d6e7f80"));
        assertFalse(DaemonConfig.validHostUuid("4b1a2c3d-5e6f-7081-92a3-b4c5d6e7f8090"));
        assertFalse(DaemonConfig.validHostUuid("4b1a2c3d-5e6f-7081-92a3-b4c5d6e7f8g9"));
        assertFalse(DaemonConfig.validHostUuid("4-b1a2c3d5e6f708192a3b4c5d6e7f809"));
        assertFalse(DaemonConfig.validHostUuid(""));
    }

    @Test
    void hostUuidSourceValues() throws Exception {
        assertEquals("smbios", conf("host_uuid_source = \"smbios\"", true).hostUuidSource());
        assertEquals("machine-id", conf("host_uuid_source = \"machine-id\"", true).hostUuidSource());
    }

    @Test
    void acceptedSettingsAreTheDocumentedOnes() {
        assertEquals(35, DaemonConfig.acceptedSettings().size());
        assertEquals(DaemonConfig.SettingType.UINT, DaemonConfig.acceptedSettings().get("max_clients"));
        assertEquals(DaemonConfig.SettingType.INT, DaemonConfig.acceptedSettings().get("keepalive_interval"));
        assertEquals(DaemonConfig.SettingType.STRING_LIST, DaemonConfig.acceptedSettings().get("access_drivers"));
        assertEquals(DaemonConfig.SettingType.BOOL, DaemonConfig.acceptedSettings().get("audit_logging"));
        for (String ip : List.of("listen_tls", "listen_tcp", "tls_port", "tcp_port", "listen_addr", "auth_tcp",
                "auth_tls", "key_file", "cert_file", "ca_file", "crl_file", "tls_allowed_dn_list", "tls_priority",
                "tcp_min_ssf", "tls_no_sanity_certificate", "tls_no_verify_certificate")) {
            assertFalse(DaemonConfig.acceptedSettings().containsKey(ip), ip);
        }
    }

    // ------------------------------------------------------------ errors

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
        unix_sock_group = 100                  | internal error: t.conf:1: expected a string for 'unix_sock_group' parameter
        unix_sock_dir = [ "/x" ]               | internal error: t.conf:1: expected a string for 'unix_sock_dir' parameter
        log_outputs = -3                       | internal error: t.conf:1: expected a string for 'log_outputs' parameter
        max_clients = "10"                     | internal error: t.conf:1: expected an unsigned integer for 'max_clients' parameter
        max_clients = -1                       | internal error: t.conf:1: expected an unsigned integer for 'max_clients' parameter
        keepalive_count = -0                   | internal error: t.conf:1: expected an unsigned integer for 'keepalive_count' parameter
        ovs_timeout = 4294967296               | internal error: t.conf:1: value for 'ovs_timeout' parameter must be in range 0:4294967295
        max_workers = 18446744073709551615     | internal error: t.conf:1: value for 'max_workers' parameter must be in range 0:4294967295
        keepalive_interval = "5"               | internal error: t.conf:1: expected a signed integer for 'keepalive_interval' parameter
        keepalive_interval = 2147483648        | internal error: t.conf:1: value for 'keepalive_interval' parameter must be in range -2147483648:2147483647
        admin_keepalive_interval = -2147483649 | internal error: t.conf:1: value for 'admin_keepalive_interval' parameter must be in range -2147483648:2147483647
        audit_logging = "yes"                  | internal error: t.conf:1: expected a bool for 'audit_logging' parameter
        audit_logging = -0                     | internal error: t.conf:1: expected a bool for 'audit_logging' parameter
        audit_logging = 2                      | internal error: t.conf:1: value for 'audit_logging' parameter must be 0 or 1
        keepalive_required = 3                 | internal error: t.conf:1: value for 'keepalive_required' parameter must be 0 or 1
        access_drivers = "polkit"              | internal error: t.conf:1: expected a string list for 'access_drivers' parameter
        access_drivers = 1                     | internal error: t.conf:1: expected a string list for 'access_drivers' parameter
        access_drivers = [ "polkit", 1 ]       | configuration file syntax error: t.conf:1: expected a string list for 'access_drivers' parameter
        sasl_allowed_username_list = [ [ "a" ] ] | configuration file syntax error: t.conf:1: expected a string list for 'sasl_allowed_username_list' parameter
        auth_unix_rw = "sasl"                  | unsupported configuration: t.conf:1: auth_unix_rw: unsupported auth sasl
        auth_unix_ro = "Polkit"                | unsupported configuration: t.conf:1: auth_unix_ro: unsupported auth Polkit
        auth_unix_ro = 1                       | internal error: t.conf:1: expected a string for 'auth_unix_ro' parameter
        max_workers = 0                        | internal error: t.conf:1: 'max_workers' must be greater than 0
        unix_sock_rw_perms = "0789"            | unsupported configuration: t.conf:1: unix_sock_rw_perms: Failed to parse mode '0789'
        unix_sock_ro_perms = "rwx"             | unsupported configuration: t.conf:1: unix_sock_ro_perms: Failed to parse mode 'rwx'
        unix_sock_admin_perms = ""             | unsupported configuration: t.conf:1: unix_sock_admin_perms: Failed to parse mode ''
        access_drivers = [ "none", "selinux" ] | internal error: t.conf:1: access_drivers: Cannot find security driver 'selinux'
        access_drivers = [ "stack" ]           | internal error: t.conf:1: access_drivers: Cannot find security driver 'stack'
        log_level = 5                          | invalid argument: t.conf:1: log_level: Failed to set logging priority, argument '5' is invalid
        host_uuid = "00000000-0000-0000-0000-000000000000" | unsupported configuration: t.conf:1: host_uuid: invalid host UUID: 00000000-0000-0000-0000-000000000000
        host_uuid = "not-a-uuid"               | unsupported configuration: t.conf:1: host_uuid: invalid host UUID: not-a-uuid
        host_uuid_source = "dmi"               | unsupported configuration: t.conf:1: host_uuid_source: invalid UUID source: dmi
        listen_tcp = 1                         | configuration file syntax error: t.conf:1: unknown setting 'listen_tcp'
        Max_clients = 1                        | configuration file syntax error: t.conf:1: unknown setting 'Max_clients'
        """)
    void valueErrors(String text, String message) {
        assertEquals(message, error(text));
    }

    @Test
    void errorsNameTheLineAndKey() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> conf("# c\n\nmax_clients = 1\n\n  keepalive_count = \"x\" # oops\n", true));
        assertEquals("internal error: t.conf:5: expected an unsigned integer for 'keepalive_count' parameter",
                e.getMessage());
        assertEquals(ConfigException.Kind.INTERNAL, e.kind());
        assertEquals("t.conf", e.file());
        assertEquals(5, e.line());
        assertEquals("keepalive_count", e.key());

        e = assertThrows(ConfigException.class, () -> conf("max_clients = 1\ntls_port = \"16514\"\n", true));
        assertEquals("configuration file syntax error: t.conf:2: unknown setting 'tls_port'", e.getMessage());
        assertEquals("tls_port", e.key());
        assertEquals(2, e.line());
    }

    @Test
    void unknownSettingsAreReportedBeforeTypeErrors() {
        assertEquals("configuration file syntax error: t.conf:3: unknown setting 'bogus'",
                error("max_clients = \"x\"\nmax_workers = 0\nbogus = 1\n"));
    }

    @Test
    void errorsComeInLibvirtsReadingOrder() {
        // libvirt reads auth_unix_rw before max_clients, whatever the file order.
        assertEquals("unsupported configuration: t.conf:2: auth_unix_rw: unsupported auth x",
                error("max_clients = \"x\"\nauth_unix_rw = \"x\"\n"));
    }

    @Test
    void hostUuidSourceIsIgnoredWhenHostUuidIsSet() throws Exception {
        DaemonConfig c = conf("host_uuid = \"4b1a2c3d-5e6f-7081-92a3-b4c5d6e7f809\"\nhost_uuid_source = \"dmi\"\n", true);
        assertEquals("dmi", c.hostUuidSource());
    }

    @Test
    void sessionDaemonRefusesTheSameThings() {
        assertEquals("unsupported configuration: t.conf:1: auth_unix_rw: unsupported auth sasl",
                error("auth_unix_rw = \"sasl\"", false));
    }

    // ------------------------------------------------------------ files

    @Test
    void loadFromFile(@TempDir Path dir) throws IOException, ConfigException {
        Path f = dir.resolve("virtstoraged.conf");
        Files.writeString(f, "max_clients = 12\n");
        DaemonConfig c = DaemonConfig.load(f, false);
        assertEquals(12, c.maxClients());
        assertEquals(Optional.of(f.toString()), c.fileName());

        Files.writeString(f, "\n\nmax_clients = \"12\"\n");
        ConfigException e = assertThrows(ConfigException.class, () -> DaemonConfig.load(f, false));
        assertEquals("internal error: " + f + ":3: expected an unsigned integer for 'max_clients' parameter",
                e.getMessage());
    }

    @Test
    void missingFile(@TempDir Path dir) throws ConfigException {
        Path f = dir.resolve("nope.conf");
        ConfigException e = assertThrows(ConfigException.class, () -> DaemonConfig.load(f, true));
        assertEquals("Failed to open file '" + f + "': No such file or directory", e.getMessage());
        DaemonConfig c = DaemonConfig.loadIfPresent(f, true);
        assertEquals(Optional.empty(), c.fileName());
        assertEquals(AuthMethod.POLKIT, c.authUnixRw());
    }
}
