package org.virtstoraged.storage.xml;

import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.ErrorDomain;
import org.virtstoraged.error.VirException;
import org.virtstoraged.storage.model.PoolAuth;
import org.virtstoraged.storage.xml.binding.PoolAuthElement;
import org.virtstoraged.storage.xml.binding.VolumeSecretElement;

/** virStorageAuthDefParse() for a pool source's {@code <auth>}, plus the pool's rule that a type is required. */
final class PoolAuthParser {
    private PoolAuthParser() {
    }

    static PoolAuth parse(PoolAuthElement auth) {
        String username = XmlValues.nonEmpty(auth.username);
        if (username == null) {
            throw xmlError("missing username for auth");
        }
        String typeName = XmlValues.nonEmpty(auth.type);
        PoolAuth.Type type = null;
        boolean none = typeName == null;
        if (typeName != null) {
            switch (typeName) {
                case "none" -> none = true;
                case "chap" -> type = PoolAuth.Type.CHAP;
                case "ceph" -> type = PoolAuth.Type.CEPH;
                default -> throw VirException.of(ErrorCode.CONFIG_UNSUPPORTED, ErrorDomain.STORAGE,
                        "unknown auth type '%s'", typeName);
            }
        }
        VolumeSecretElement secret = XmlValues.first(auth.secret);
        if (secret == null) {
            throw xmlError("Missing <secret> element in auth");
        }
        // virSecretLookupParseSecret() lives in libvirt's util code, which reports without a domain
        if (secret.uuid == null && secret.usage == null) {
            throw VirException.of(ErrorCode.XML_ERROR, ErrorDomain.NONE, "missing secret uuid or usage attribute");
        }
        if (secret.uuid != null && secret.usage != null) {
            throw VirException.of(ErrorCode.XML_ERROR, ErrorDomain.NONE, "either secret uuid or usage expected");
        }
        String uuid = null;
        if (secret.uuid != null) {
            uuid = VolumeEncryptionParser.canonicalUuid(secret.uuid);
            if (uuid == null) {
                throw VirException.of(ErrorCode.XML_ERROR, ErrorDomain.NONE, "invalid secret uuid '%s'", secret.uuid);
            }
        }
        // the pool checks the type only once the whole auth element has been read
        if (none) {
            throw VirException.of(ErrorCode.CONFIG_UNSUPPORTED, ErrorDomain.STORAGE, "storage pool missing auth type");
        }
        return new PoolAuth(type, username, secret.type, uuid, uuid == null ? secret.usage : null);
    }

    private static VirException xmlError(String message) {
        return VirException.of(ErrorCode.XML_ERROR, ErrorDomain.STORAGE, message);
    }
}
