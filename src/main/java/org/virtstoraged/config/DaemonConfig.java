package org.virtstoraged.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.virtstoraged.util.StrToLong;

/**
 * The settings of virtstoraged.conf, as libvirt 9.0's remote_daemon_config.c reads them for a daemon
 * built without WITH_IP (so no listen_*, tls_*, tcp_* or certificate settings), with libvirt's
 * types and defaults. libvirt is assumed built with polkit (so privileged daemons default to polkit
 * authentication) and without SASL (we offer no SASL authentication, so "sasl" is refused as a
 * build without SASL refuses it).
 *
 * <p>Differences from libvirt, all stricter: an unknown setting is an error, and values that libvirt
 * only rejects later during start-up (socket modes, access drivers, log level, host UUID) are
 * checked here, so every configuration error names file, line and setting.
 *
 * <p>Missing files: {@link #load} fails on a file that does not exist ("Failed to open file ..."),
 * as libvirt does for a file named with {@code -f}; for the default path libvirt silently uses the
 * defaults, which {@link #loadIfPresent} does (callers may equally test {@code Files.notExists}).
 */
public final class DaemonConfig {

    /** How a setting's value is written. */
    public enum SettingType {
        /** A quoted string. */
        STRING,
        /** A list of quoted strings. */
        STRING_LIST,
        /** 0 or 1. */
        BOOL,
        /** A signed integer in C int range. */
        INT,
        /** A non-negative integer in C unsigned int range. */
        UINT
    }

    /** Authentication on a UNIX socket (libvirt's auth_unix_rw / auth_unix_ro values). */
    public enum AuthMethod {
        NONE("none"),
        POLKIT("polkit");

        private final String configName;

        AuthMethod(String configName) {
            this.configName = configName;
        }

        /** The spelling used in the configuration file. */
        public String configName() {
            return configName;
        }
    }

    private static final Map<String, SettingType> SETTINGS;

    static {
        Map<String, SettingType> m = new LinkedHashMap<>();
        m.put("unix_sock_group", SettingType.STRING);
        m.put("unix_sock_ro_perms", SettingType.STRING);
        m.put("unix_sock_rw_perms", SettingType.STRING);
        m.put("unix_sock_admin_perms", SettingType.STRING);
        m.put("unix_sock_dir", SettingType.STRING);
        m.put("auth_unix_ro", SettingType.STRING);
        m.put("auth_unix_rw", SettingType.STRING);
        m.put("access_drivers", SettingType.STRING_LIST);
        m.put("sasl_allowed_username_list", SettingType.STRING_LIST);
        m.put("max_clients", SettingType.UINT);
        m.put("max_queued_clients", SettingType.UINT);
        m.put("max_anonymous_clients", SettingType.UINT);
        m.put("min_workers", SettingType.UINT);
        m.put("max_workers", SettingType.UINT);
        m.put("prio_workers", SettingType.UINT);
        m.put("max_client_requests", SettingType.UINT);
        m.put("admin_min_workers", SettingType.UINT);
        m.put("admin_max_workers", SettingType.UINT);
        m.put("admin_max_clients", SettingType.UINT);
        m.put("admin_max_queued_clients", SettingType.UINT);
        m.put("admin_max_client_requests", SettingType.UINT);
        m.put("log_level", SettingType.UINT);
        m.put("log_filters", SettingType.STRING);
        m.put("log_outputs", SettingType.STRING);
        m.put("audit_level", SettingType.UINT);
        m.put("audit_logging", SettingType.BOOL);
        m.put("host_uuid", SettingType.STRING);
        m.put("host_uuid_source", SettingType.STRING);
        m.put("keepalive_interval", SettingType.INT);
        m.put("keepalive_count", SettingType.UINT);
        m.put("keepalive_required", SettingType.BOOL);
        m.put("admin_keepalive_interval", SettingType.INT);
        m.put("admin_keepalive_count", SettingType.UINT);
        m.put("admin_keepalive_required", SettingType.BOOL);
        m.put("ovs_timeout", SettingType.UINT);
        SETTINGS = Collections.unmodifiableMap(m);
    }

    /** The access drivers libvirt knows when built with polkit. */
    private static final List<String> ACCESS_DRIVERS = List.of("none", "polkit");

    private final boolean privileged;
    private final String fileName;

    private String unixSockGroup;
    private String unixSockRoPerms = "0777";
    private String unixSockRwPerms;
    private String unixSockAdminPerms = "0700";
    private String unixSockDir;
    private AuthMethod authUnixRw;
    private AuthMethod authUnixRo;
    private List<String> accessDrivers = List.of();
    private List<String> saslAllowedUsernameList;
    private long minWorkers = 5;
    private long maxWorkers = 20;
    private long maxClients = 5000;
    private long maxQueuedClients = 1000;
    private long maxAnonymousClients = 20;
    private long prioWorkers = 5;
    private long maxClientRequests = 5;
    private long adminMinWorkers = 5;
    private long adminMaxWorkers = 20;
    private long adminMaxClients = 5000;
    private long adminMaxQueuedClients = 20;
    private long adminMaxClientRequests = 5;
    private long auditLevel = 1;
    private boolean auditLogging = false;
    private String hostUuid;
    private String hostUuidSource;
    private long logLevel = 0;
    private String logFilters;
    private String logOutputs;
    private int keepaliveInterval = 5;
    private long keepaliveCount = 5;
    private int adminKeepaliveInterval = 5;
    private long adminKeepaliveCount = 5;
    private long ovsTimeout = 5;
    private int unixSockRoMode;
    private int unixSockRwMode;
    private int unixSockAdminMode;

    private DaemonConfig(boolean privileged, String fileName) {
        this.privileged = privileged;
        this.fileName = fileName;
        // Root defaults to polkit; a session daemon to no authentication.
        this.authUnixRw = privileged ? AuthMethod.POLKIT : AuthMethod.NONE;
        this.authUnixRo = authUnixRw;
        this.unixSockRwPerms = authUnixRw == AuthMethod.POLKIT ? "0777" : "0700";
        this.unixSockRoMode = 0777;
        this.unixSockAdminMode = 0700;
        this.unixSockRwMode = authUnixRw == AuthMethod.POLKIT ? 0777 : 0700;
    }

    // ------------------------------------------------------------------ factories

    /** The settings in force when there is no configuration file. */
    public static DaemonConfig defaults(boolean privileged) {
        return new DaemonConfig(privileged, null);
    }

    /**
     * Reads {@code file}; it must exist. The file name in messages is {@code file.toString()}.
     *
     * @throws ConfigException on read failure, syntax error, unknown setting, wrong type or an
     *         unacceptable value
     */
    public static DaemonConfig load(Path file, boolean privileged) throws ConfigException {
        return from(ConfParser.read(file), privileged);
    }

    /**
     * Like {@link #load}, but answers the defaults when the file does not exist, which is what libvirt
     * does for its default configuration path (a file that exists but cannot be read is still an
     * error).
     */
    public static DaemonConfig loadIfPresent(Path file, boolean privileged) throws ConfigException {
        if (Files.notExists(file)) {
            return defaults(privileged);
        }
        return load(file, privileged);
    }

    /** Interprets an already parsed file. */
    public static DaemonConfig from(ConfFile conf, boolean privileged) throws ConfigException {
        DaemonConfig c = new DaemonConfig(privileged, conf.fileName());
        c.apply(new SettingReader(conf));
        return c;
    }

    /** Every setting virtstoraged.conf accepts, with its type, in the order the shipped file documents them. */
    public static Map<String, SettingType> acceptedSettings() {
        return SETTINGS;
    }

    // ------------------------------------------------------------------ loading

    private void apply(SettingReader r) throws ConfigException {
        ConfFile conf = r.conf();
        for (ConfEntry e : conf.entries()) {
            if (!SETTINGS.containsKey(e.name())) {
                throw ConfigException.at(ConfigException.Kind.SYNTAX, conf.fileName(), e.line(), e.name(),
                        "unknown setting '" + e.name() + "'");
            }
        }

        // Same order as libvirt reads them, so the first error reported is the one libvirt reports.
        Optional<AuthMethod> rw = auth(r, "auth_unix_rw");
        if (rw.isPresent()) {
            authUnixRw = rw.get();
            if (authUnixRw == AuthMethod.POLKIT) {
                unixSockRwPerms = "0777"; // polkit opens the socket wide unless the file says otherwise
            }
        }
        authUnixRo = auth(r, "auth_unix_ro").orElse(authUnixRo);

        accessDrivers = r.stringList("access_drivers").orElse(accessDrivers);
        unixSockGroup = r.string("unix_sock_group").orElse(unixSockGroup);
        unixSockAdminPerms = r.string("unix_sock_admin_perms").orElse(unixSockAdminPerms);
        unixSockRoPerms = r.string("unix_sock_ro_perms").orElse(unixSockRoPerms);
        unixSockRwPerms = r.string("unix_sock_rw_perms").orElse(unixSockRwPerms);
        unixSockDir = r.string("unix_sock_dir").orElse(unixSockDir);
        saslAllowedUsernameList = r.stringList("sasl_allowed_username_list").orElse(null);

        minWorkers = uint(r, "min_workers", minWorkers);
        maxWorkers = uint(r, "max_workers", maxWorkers);
        if (maxWorkers < 1) {
            throw located(ConfigException.Kind.INTERNAL, r, "max_workers", "'max_workers' must be greater than 0");
        }
        maxClients = uint(r, "max_clients", maxClients);
        maxQueuedClients = uint(r, "max_queued_clients", maxQueuedClients);
        maxAnonymousClients = uint(r, "max_anonymous_clients", maxAnonymousClients);
        prioWorkers = uint(r, "prio_workers", prioWorkers);
        maxClientRequests = uint(r, "max_client_requests", maxClientRequests);

        adminMinWorkers = uint(r, "admin_min_workers", adminMinWorkers);
        adminMaxWorkers = uint(r, "admin_max_workers", adminMaxWorkers);
        adminMaxClients = uint(r, "admin_max_clients", adminMaxClients);
        adminMaxQueuedClients = uint(r, "admin_max_queued_clients", adminMaxQueuedClients);
        adminMaxClientRequests = uint(r, "admin_max_client_requests", adminMaxClientRequests);

        auditLevel = uint(r, "audit_level", auditLevel);
        auditLogging = r.bool("audit_logging").orElse(auditLogging);

        hostUuid = r.string("host_uuid").orElse(hostUuid);
        hostUuidSource = r.string("host_uuid_source").orElse(hostUuidSource);

        logLevel = uint(r, "log_level", logLevel);
        logFilters = r.string("log_filters").orElse(logFilters);
        logOutputs = r.string("log_outputs").orElse(logOutputs);

        keepaliveInterval = int32(r, "keepalive_interval", keepaliveInterval);
        keepaliveCount = uint(r, "keepalive_count", keepaliveCount);
        adminKeepaliveInterval = int32(r, "admin_keepalive_interval", adminKeepaliveInterval);
        adminKeepaliveCount = uint(r, "admin_keepalive_count", adminKeepaliveCount);

        ovsTimeout = uint(r, "ovs_timeout", ovsTimeout);

        // Still in libvirt's shipped file and augeas lens, but no longer read by libvirt 9.0:
        // accepted (as 0/1) and without effect.
        r.bool("keepalive_required");
        r.bool("admin_keepalive_required");

        // Checks libvirt makes later in start-up, in the order it makes them.
        checkHostUuid(r);
        if (logLevel > 4) {
            throw located(ConfigException.Kind.INVALID_ARG, r, "log_level",
                    "log_level: Failed to set logging priority, argument '" + logLevel + "' is invalid");
        }
        for (String drv : accessDrivers) {
            if (!ACCESS_DRIVERS.contains(drv)) {
                throw located(ConfigException.Kind.INTERNAL, r, "access_drivers",
                        "access_drivers: Cannot find security driver '" + drv + "'");
            }
        }
        unixSockRoMode = mode(r, "unix_sock_ro_perms", unixSockRoPerms);
        unixSockAdminMode = mode(r, "unix_sock_admin_perms", unixSockAdminPerms);
        unixSockRwMode = mode(r, "unix_sock_rw_perms", unixSockRwPerms);
    }

    private static Optional<AuthMethod> auth(SettingReader r, String key) throws ConfigException {
        Optional<String> v = r.string(key);
        if (v.isEmpty()) {
            return Optional.empty();
        }
        for (AuthMethod m : AuthMethod.values()) {
            if (m.configName().equals(v.get())) {
                return Optional.of(m);
            }
        }
        throw located(ConfigException.Kind.UNSUPPORTED, r, key, key + ": unsupported auth " + v.get());
    }

    private static long uint(SettingReader r, String key, long dflt) throws ConfigException {
        OptionalLong v = r.uint32(key);
        return v.isPresent() ? v.getAsLong() : dflt;
    }

    private static int int32(SettingReader r, String key, int dflt) throws ConfigException {
        OptionalInt v = r.int32(key);
        return v.isPresent() ? v.getAsInt() : dflt;
    }

    private static ConfigException located(ConfigException.Kind kind, SettingReader r, String key, String detail) {
        return ConfigException.at(kind, r.conf().fileName(), r.lineOf(key), key, detail);
    }

    private void checkHostUuid(SettingReader r) throws ConfigException {
        if (hostUuid != null) {
            if (!validHostUuid(hostUuid)) {
                throw located(ConfigException.Kind.UNSUPPORTED, r, "host_uuid",
                        "host_uuid: invalid host UUID: " + hostUuid);
            }
        } else if (hostUuidSource != null && !hostUuidSource.equals("smbios")
                && !hostUuidSource.equals("machine-id")) {
            // Only looked at when host_uuid is absent, as in libvirt.
            throw located(ConfigException.Kind.UNSUPPORTED, r, "host_uuid_source",
                    "host_uuid_source: invalid UUID source: " + hostUuidSource);
        }
    }

    private int mode(SettingReader r, String key, String value) throws ConfigException {
        // virStrToLong_i(value, NULL, 8, ...)
        OptionalInt m = StrToLong.integer(value, 8);
        if (m.isEmpty()) {
            throw located(ConfigException.Kind.UNSUPPORTED, r, key, key + ": Failed to parse mode '" + value + "'");
        }
        return m.getAsInt();
    }

    /**
     * libvirt's virUUIDParse plus virUUIDIsValid: 32 hex digits, '-' or ' ' allowed between digit
     * pairs, surrounding white space allowed, and not all 16 bytes equal (so the all-zero UUID is
     * refused).
     */
    static boolean validHostUuid(String s) {
        int i = 0;
        int n = s.length();
        while (i < n && StrToLong.isCSpace(s.charAt(i))) {
            i++;
        }
        int[] bytes = new int[16];
        for (int b = 0; b < 16;) {
            if (i >= n) {
                return false;
            }
            char c = s.charAt(i);
            if (c == '-' || c == ' ') {
                i++;
                continue;
            }
            int hi = Character.digit(c, 16);
            if (hi < 0 || c > 'f' || i + 1 >= n) {
                return false;
            }
            char c2 = s.charAt(i + 1);
            int lo = Character.digit(c2, 16);
            if (lo < 0 || c2 > 'f') {
                return false;
            }
            bytes[b++] = hi * 16 + lo;
            i += 2;
        }
        for (; i < n; i++) {
            if (!StrToLong.isCSpace(s.charAt(i))) {
                return false;
            }
        }
        for (int b = 1; b < 16; b++) {
            if (bytes[b] != bytes[0]) {
                return true;
            }
        }
        return false;
    }

    // ------------------------------------------------------------------ getters

    /** Whether these settings are for a daemon running as root. */
    public boolean privileged() {
        return privileged;
    }

    /** The file the settings came from, or empty for {@link #defaults}. */
    public Optional<String> fileName() {
        return Optional.ofNullable(fileName);
    }

    /** unix_sock_group: group owning the sockets; null (unset) keeps the daemon's own group. */
    public String unixSockGroup() {
        return unixSockGroup;
    }

    /** unix_sock_ro_perms as written (default "0777"). */
    public String unixSockRoPerms() {
        return unixSockRoPerms;
    }

    /** unix_sock_rw_perms as written (default "0777" with polkit authentication, else "0700"). */
    public String unixSockRwPerms() {
        return unixSockRwPerms;
    }

    /** unix_sock_admin_perms as written (default "0700"). */
    public String unixSockAdminPerms() {
        return unixSockAdminPerms;
    }

    /** unix_sock_ro_perms parsed as octal. libvirt applies only the permission bits (mode &amp; 0777). */
    public int unixSockRoMode() {
        return unixSockRoMode;
    }

    /** unix_sock_rw_perms parsed as octal. */
    public int unixSockRwMode() {
        return unixSockRwMode;
    }

    /** unix_sock_admin_perms parsed as octal. */
    public int unixSockAdminMode() {
        return unixSockAdminMode;
    }

    /** unix_sock_dir, or null for the default socket directory (see {@link DaemonPaths}). */
    public String unixSockDir() {
        return unixSockDir;
    }

    /** auth_unix_rw (default polkit as root, none otherwise). */
    public AuthMethod authUnixRw() {
        return authUnixRw;
    }

    /** auth_unix_ro (default polkit as root, none otherwise). */
    public AuthMethod authUnixRo() {
        return authUnixRo;
    }

    /** access_drivers; empty when unset, which libvirt treats as ["none"]. */
    public List<String> accessDrivers() {
        return accessDrivers;
    }

    /**
     * sasl_allowed_username_list, or empty when unset (libvirt: no check). Accepted for
     * compatibility; it has no effect because SASL authentication is not offered.
     */
    public Optional<List<String>> saslAllowedUsernameList() {
        return Optional.ofNullable(saslAllowedUsernameList);
    }

    /** min_workers (default 5). libvirt silently lowers it to max_workers when larger. */
    public long minWorkers() {
        return minWorkers;
    }

    /** max_workers (default 20, at least 1). */
    public long maxWorkers() {
        return maxWorkers;
    }

    /** max_clients (default 5000). */
    public long maxClients() {
        return maxClients;
    }

    /** max_queued_clients (default 1000): the listen backlog. */
    public long maxQueuedClients() {
        return maxQueuedClients;
    }

    /** max_anonymous_clients (default 20; 0 disables the limit). */
    public long maxAnonymousClients() {
        return maxAnonymousClients;
    }

    /** prio_workers (default 5). */
    public long prioWorkers() {
        return prioWorkers;
    }

    /** max_client_requests (default 5). */
    public long maxClientRequests() {
        return maxClientRequests;
    }

    /** admin_min_workers (default 5). */
    public long adminMinWorkers() {
        return adminMinWorkers;
    }

    /** admin_max_workers (default 20; unlike max_workers, 0 is not refused by libvirt). */
    public long adminMaxWorkers() {
        return adminMaxWorkers;
    }

    /** admin_max_clients (default 5000). */
    public long adminMaxClients() {
        return adminMaxClients;
    }

    /** admin_max_queued_clients (default 20). */
    public long adminMaxQueuedClients() {
        return adminMaxQueuedClients;
    }

    /** admin_max_client_requests (default 5). */
    public long adminMaxClientRequests() {
        return adminMaxClientRequests;
    }

    /** audit_level (default 1: audit if available). */
    public long auditLevel() {
        return auditLevel;
    }

    /** audit_logging (default false). */
    public boolean auditLogging() {
        return auditLogging;
    }

    /** host_uuid, or null when unset. */
    public String hostUuid() {
        return hostUuid;
    }

    /** host_uuid_source ("smbios" or "machine-id"), or null when unset (libvirt then uses smbios). */
    public String hostUuidSource() {
        return hostUuidSource;
    }

    /** log_level 1..4, or 0 (the default) to keep the built-in level (3, warnings). */
    public long logLevel() {
        return logLevel;
    }

    /** log_filters, or null when unset. */
    public String logFilters() {
        return logFilters;
    }

    /** log_outputs, or null when unset. */
    public String logOutputs() {
        return logOutputs;
    }

    /** keepalive_interval in seconds (default 5; -1 disables keepalive). */
    public int keepaliveInterval() {
        return keepaliveInterval;
    }

    /** keepalive_count (default 5). */
    public long keepaliveCount() {
        return keepaliveCount;
    }

    /** admin_keepalive_interval (default 5). */
    public int adminKeepaliveInterval() {
        return adminKeepaliveInterval;
    }

    /** admin_keepalive_count (default 5). */
    public long adminKeepaliveCount() {
        return adminKeepaliveCount;
    }

    /**
     * ovs_timeout in seconds (default 5). libvirt reads it in every daemon built from
     * remote_daemon.c, virtstoraged included; it has no use in a storage daemon.
     */
    public long ovsTimeout() {
        return ovsTimeout;
    }
}
