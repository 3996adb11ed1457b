package org.virtstoraged.storage.backend.iscsi;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.ErrorDomain;
import org.virtstoraged.error.VirException;
import org.virtstoraged.storage.model.PoolAuth;
import org.virtstoraged.storage.model.PoolSource;

/**
 * virStorageBackendISCSISetAuth: a pool's CHAP account written into the target's node record before login.
 * The password passes through iscsiadm's argv, as in libvirt (open-iscsi takes it no other way).
 */
final class IscsiChap {
    private final Iscsiadm iscsiadm;
    private final IscsiSecrets secrets;

    IscsiChap(Iscsiadm iscsiadm, IscsiSecrets secrets) {
        this.iscsiadm = iscsiadm;
        this.secrets = secrets;
    }

    void apply(String portal, PoolSource source) {
        if (source.auth().isEmpty()) {
            return;
        }
        PoolAuth auth = source.auth().get();
        if (auth.type() != PoolAuth.Type.CHAP) {
            throw VirException.of(ErrorCode.XML_ERROR, ErrorDomain.STORAGE, "%s",
                    "iscsi pool only supports 'chap' auth type");
        }
        byte[] value = secrets.value(auth);
        // libvirt copies the value into a C string: it ends at the first NUL byte
        int end = 0;
        while (end < value.length && value[end] != 0) {
            end++;
        }
        String password = new String(value, 0, end, StandardCharsets.UTF_8);
        Arrays.fill(value, (byte) 0);
        String target = source.devices().get(0).path();
        iscsiadm.nodeUpdate(portal, target, "node.session.auth.authmethod", "CHAP");
        iscsiadm.nodeUpdate(portal, target, "node.session.auth.username", auth.username());
        iscsiadm.nodeUpdate(portal, target, "node.session.auth.password", password);
    }
}
