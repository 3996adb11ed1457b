package org.virtstoraged.dispatch;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.virtstoraged.admin.TypedParam;
import org.virtstoraged.error.ErrorDomain;
import org.virtstoraged.util.UnixAccounts;

/**
 * Who a client acts for (libvirt's virIdentity): by default the peer of its socket; after
 * CONNECT_SET_IDENTITY, the identity a forwarding daemon (virtproxyd, virtqemud) passed on for its own
 * client. Every attribute may be absent, as in libvirt.
 */
public record ClientIdentity(String userName, Long unixUserId, String groupName, Long unixGroupId, Long processId,
        Long processTime, String saslUserName, String x509DistinguishedName, String selinuxContext,
        String systemToken) {

    /** VIR_CONNECT_IDENTITY_* and the daemon-internal system token, with the type libvirt requires. */
    static final Map<String, Integer> PARAMETERS = parameters();

    private static Map<String, Integer> parameters() {
        Map<String, Integer> m = new LinkedHashMap<>();
        m.put("user-name", TypedParam.STRING);
        m.put("unix-user-id", TypedParam.ULLONG);
        m.put("group-name", TypedParam.STRING);
        m.put("unix-group-id", TypedParam.ULLONG);
        m.put("process-id", TypedParam.LLONG);
        m.put("process-time", TypedParam.ULLONG);
        m.put("sasl-user-name", TypedParam.STRING);
        m.put("x509-distinguished-name", TypedParam.STRING);
        m.put("selinux-context", TypedParam.STRING);
        m.put("system.token", TypedParam.STRING);
        return Map.copyOf(m);
    }

    /**
     * virIdentitySetParameters: only the known names, each with its type and at most once (libvirt's
     * errors, reported from its typed-parameter code, hence no error domain).
     */
    static ClientIdentity fromParameters(List<TypedParam> params) {
        TypedParam.validate(params, PARAMETERS, ErrorDomain.NONE);
        return new ClientIdentity(string(params, "user-name"), number(params, "unix-user-id"),
                string(params, "group-name"), number(params, "unix-group-id"), number(params, "process-id"),
                number(params, "process-time"), string(params, "sasl-user-name"),
                string(params, "x509-distinguished-name"), string(params, "selinux-context"),
                string(params, "system.token"));
    }

    /** The identity of a socket peer: its credentials, with the names the system knows for them. */
    static ClientIdentity fromPeer(PeerCredentials peer) {
        Long uid = peer.uid() >= 0 ? (long) peer.uid() : null;
        Long gid = peer.gid() >= 0 ? (long) peer.gid() : null;
        return new ClientIdentity(uid == null ? null : UnixAccounts.nameOf(UnixAccounts.PASSWD, uid).orElse(null), uid,
                gid == null ? null : UnixAccounts.nameOf(UnixAccounts.GROUP, gid).orElse(null), gid,
                peer.pid() > 0 ? (long) peer.pid() : null, null, null, null, null, null);
    }

    private static String string(List<TypedParam> params, String field) {
        return TypedParam.get(params, field).map(p -> (String) p.value()).orElse(null);
    }

    private static Long number(List<TypedParam> params, String field) {
        return TypedParam.get(params, field).map(p -> ((Number) p.value()).longValue()).orElse(null);
    }
}
