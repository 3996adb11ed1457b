package org.virtstoraged.storage.backend.rbd;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.virtstoraged.storage.model.PoolAuth;
import org.virtstoraged.storage.model.PoolDefinition;
import org.virtstoraged.storage.model.PoolHost;
import org.virtstoraged.storage.model.RbdConfigOption;

/**
 * The rados_conf_set calls libvirt's virStorageBackendRBDOpenRADOSConn makes for a pool, in its order: the
 * cephx key and auth_supported (or auth_supported none), mon_host, the three 30-second timeouts that keep
 * a call from blocking forever when the cluster is down, rbd_default_format 2, then the pool's
 * {@code <rbd:config_opts>}, which may override any of them.
 */
public final class RadosSettings {
    static final String TIMEOUT = "30";
    static final String DEFAULT_FORMAT = "2";

    private RadosSettings() {
    }

    /** One option; the key's value never appears in toString (so never in a log line). */
    public record Setting(String option, String value) {
        public boolean isSecret() {
            return option.equals("key");
        }

        @Override
        public String toString() {
            return option + "=" + (isSecret() ? "<hidden>" : value);
        }
    }

    /** The rados_create id: the auth user name as given (librados adds "client."), null without auth. */
    public static String clientId(PoolDefinition pool) {
        return pool.source().auth().map(PoolAuth::username).orElse(null);
    }

    /**
     * @param base64Key the secret's value in base64 (g_base64_encode); null for a pool without auth, or when
     *                  the caller sets the key itself from bytes it can erase (then the key setting's value
     *                  is null and only its place in the order counts)
     */
    public static List<Setting> of(PoolDefinition pool, String base64Key) {
        List<Setting> settings = new ArrayList<>();
        if (pool.source().auth().isPresent()) {
            settings.add(new Setting("key", base64Key));
            settings.add(new Setting("auth_supported", "cephx"));
        } else {
            settings.add(new Setting("auth_supported", "none"));
        }
        settings.add(new Setting("mon_host", monHost(pool.source().hosts())));
        settings.add(new Setting("client_mount_timeout", TIMEOUT));
        settings.add(new Setting("rados_mon_op_timeout", TIMEOUT));
        settings.add(new Setting("rados_osd_op_timeout", TIMEOUT));
        settings.add(new Setting("rbd_default_format", DEFAULT_FORMAT));
        for (RbdConfigOption option : pool.rbdConfigOptions()) {
            settings.add(new Setting(option.name(), option.value()));
        }
        return settings;
    }

    /**
     * libvirt's monitor list: every host followed by a comma (the last one too), "name:port" or just "name"
     * without a port, a numeric IPv6 address in brackets.
     */
    public static String monHost(List<PoolHost> hosts) {
        StringBuilder s = new StringBuilder();
        for (PoolHost host : hosts) {
            if (host.port() == 0) {
                s.append(host.name());
            } else if (isNumericIpv6(host.name())) {
                s.append('[').append(host.name()).append("]:").append(host.port());
            } else {
                s.append(host.name()).append(':').append(host.port());
            }
            s.append(',');
        }
        return s.toString();
    }

    /** virSocketAddrNumericFamily(name) == AF_INET6: an IPv6 literal, never a name to resolve. */
    static boolean isNumericIpv6(String name) {
        if (name.indexOf(':') < 0 || name.startsWith("[")) {
            return false;
        }
        try {
            // an IPv4-mapped literal comes back as an Inet4Address, yet getaddrinfo says AF_INET6 for it
            InetAddress.ofLiteral(name);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
