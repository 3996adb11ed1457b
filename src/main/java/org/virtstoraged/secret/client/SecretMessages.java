package org.virtstoraged.secret.client;

import java.util.List;
import java.util.UUID;
import org.virtstoraged.admin.TypedParam;
import org.virtstoraged.rpc.xdr.XdrDecoder;
import org.virtstoraged.rpc.xdr.XdrEncoder;

/** The arguments and replies of the remote procedures the secret client calls (remote_protocol.x). */
final class SecretMessages {
    /** REMOTE_AUTH_TYPE_LIST_MAX. */
    static final int AUTH_TYPE_LIST_MAX = 20;
    /** REMOTE_SECRET_VALUE_MAX. */
    static final int SECRET_VALUE_MAX = 65_536;

    private SecretMessages() {
    }

    /** remote_auth_list_ret: the authentication types the daemon asks for, most preferred first. */
    static int[] authListReply(XdrDecoder in) {
        int[] types = new int[in.readLength(AUTH_TYPE_LIST_MAX)];
        for (int i = 0; i < types.length; i++) {
            types[i] = in.readInt();
        }
        return types;
    }

    /** remote_connect_open_args. */
    static byte[] connectOpenArgs(String uri, int flags) {
        return new XdrEncoder().writeOptionalString(uri).writeInt(flags).toByteArray();
    }

    /** remote_connect_set_identity_args: remote_typed_param params, flags. */
    static byte[] setIdentityArgs(List<TypedParam> identity, int flags) {
        XdrEncoder out = new XdrEncoder();
        TypedParam.encodeList(out, identity);
        return out.writeInt(flags).toByteArray();
    }

    /** remote_secret_lookup_by_uuid_args. */
    static byte[] lookupByUuidArgs(UUID uuid) {
        return new XdrEncoder().writeUuid(uuid).toByteArray();
    }

    /** remote_secret_lookup_by_usage_args. */
    static byte[] lookupByUsageArgs(int usageType, String usageId) {
        return new XdrEncoder().writeInt(usageType).writeString(usageId).toByteArray();
    }

    /** remote_secret_get_value_args. */
    static byte[] getValueArgs(SecretRef secret, int flags) {
        XdrEncoder out = new XdrEncoder();
        writeSecret(out, secret);
        return out.writeInt(flags).toByteArray();
    }

    /** remote_secret_lookup_by_uuid_ret and remote_secret_lookup_by_usage_ret: one remote_nonnull_secret. */
    static SecretRef secretReply(XdrDecoder in) {
        return new SecretRef(in.readUuid(), in.readInt(), in.readString());
    }

    /** remote_secret_get_value_ret. */
    static byte[] getValueReply(XdrDecoder in) {
        return in.readVarOpaque(SECRET_VALUE_MAX);
    }

    private static void writeSecret(XdrEncoder out, SecretRef secret) {
        out.writeUuid(secret.uuid()).writeInt(secret.usageType()).writeString(secret.usageId());
    }
}
