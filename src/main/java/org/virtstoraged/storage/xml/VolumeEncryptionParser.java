package org.virtstoraged.storage.xml;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.ErrorDomain;
import org.virtstoraged.error.VirException;
import org.virtstoraged.storage.model.VolumeEncryption;
import org.virtstoraged.storage.xml.binding.VolumeCipherElement;
import org.virtstoraged.storage.xml.binding.VolumeEncryptionElement;
import org.virtstoraged.storage.xml.binding.VolumeIvgenElement;
import org.virtstoraged.storage.xml.binding.VolumeSecretElement;
import org.virtstoraged.util.StrToLong;

/**
 * virStorageEncryptionParseNode(): the {@code <encryption>} element of a volume target. Attributes read
 * directly (not through XPath) count as present even when empty, as with libvirt's virXMLPropString().
 */
final class VolumeEncryptionParser {
    /** VIR_FROM_XML: errors raised by libvirt's virXMLProp* helpers. */
    private static final int FROM_XML = 5;

    private VolumeEncryptionParser() {
    }

    static VolumeEncryption parse(VolumeEncryptionElement element) {
        String formatName = VolumeXmlParser.nonEmpty(element.format);
        if (formatName == null) {
            throw VolumeXmlParser.xmlError("unknown volume encryption format");
        }
        VolumeEncryption.Format format = VolumeEncryption.Format.fromXmlName(formatName)
                .orElseThrow(() -> VirException.of(ErrorCode.CONFIG_UNSUPPORTED, ErrorDomain.STORAGE,
                        "unknown volume encryption format type %s", formatName));

        VolumeEncryption.Engine engine = VolumeEncryption.Engine.DEFAULT;
        if (element.engine != null) {
            engine = VolumeEncryption.Engine.fromXmlName(element.engine)
                    .filter(e -> e != VolumeEncryption.Engine.DEFAULT)
                    .orElseThrow(() -> VirException.of(ErrorCode.XML_ERROR, FROM_XML,
                            "Invalid value for attribute '%s' in element '%s': '%s'.", "engine", "encryption",
                            element.engine));
        }

        List<VolumeEncryption.Secret> secrets = new ArrayList<>();
        for (VolumeSecretElement secret : element.secret) {
            secrets.add(secret(secret));
        }

        VolumeEncryption.Cipher cipher = null;
        VolumeEncryption.Ivgen ivgen = null;
        if (format == VolumeEncryption.Format.LUKS) {
            if (!element.cipher.isEmpty()) {
                cipher = cipher(element.cipher.get(0));
            }
            if (!element.ivgen.isEmpty()) {
                if (cipher == null) {
                    throw VolumeXmlParser.xmlError("ivgen element found, but cipher is missing");
                }
                VolumeIvgenElement iv = element.ivgen.get(0);
                if (iv.name == null) {
                    throw VolumeXmlParser.xmlError("missing ivgen info name string");
                }
                ivgen = new VolumeEncryption.Ivgen(iv.name, iv.hash);
            }
        }
        return new VolumeEncryption(format, engine, secrets, cipher, ivgen);
    }

    private static VolumeEncryption.Secret secret(VolumeSecretElement secret) {
        String type = VolumeXmlParser.nonEmpty(secret.type);
        if (type == null) {
            throw VolumeXmlParser.xmlError("unknown volume encryption secret type");
        }
        if (!type.equals("passphrase")) {
            throw VirException.of(ErrorCode.CONFIG_UNSUPPORTED, ErrorDomain.STORAGE,
                    "unknown volume encryption secret type %s", type);
        }
        // virSecretLookupParseSecret() lives in libvirt's util code, which reports without a domain
        if (secret.uuid == null && secret.usage == null) {
            throw VirException.of(ErrorCode.XML_ERROR, ErrorDomain.NONE, "missing secret uuid or usage attribute");
        }
        if (secret.uuid != null && secret.usage != null) {
            throw VirException.of(ErrorCode.XML_ERROR, ErrorDomain.NONE, "either secret uuid or usage expected");
        }
        if (secret.uuid != null) {
            String uuid = canonicalUuid(secret.uuid);
            if (uuid == null) {
                throw VirException.of(ErrorCode.XML_ERROR, ErrorDomain.NONE, "invalid secret uuid '%s'", secret.uuid);
            }
            return VolumeEncryption.Secret.byUuid(uuid);
        }
        return VolumeEncryption.Secret.byUsage(secret.usage);
    }

    private static VolumeEncryption.Cipher cipher(VolumeCipherElement cipher) {
        if (cipher.name == null) {
            throw VolumeXmlParser.xmlError("cipher info missing 'name' attribute");
        }
        if (cipher.size == null) {
            throw VirException.of(ErrorCode.XML_ERROR, FROM_XML,
                    "Missing required attribute '%s' in element '%s'", "size", "cipher");
        }
        OptionalLong size = StrToLong.unsignedIntPositive(cipher.size);
        if (size.isEmpty()) {
            throw VirException.of(ErrorCode.XML_ERROR, FROM_XML,
                    "Invalid value for attribute '%s' in element '%s': '%s'. Expected non-negative integer value",
                    "size", "cipher", cipher.size);
        }
        return new VolumeEncryption.Cipher(cipher.name, size.getAsLong(), cipher.mode, cipher.hash);
    }

    /**
     * virUUIDParse(): 32 hex digits, with '-' or ' ' allowed between digit pairs and white space around;
     * returns the canonical 8-4-4-4-12 lower-case form, or null when malformed.
     */
    static String canonicalUuid(String text) {
        int i = 0;
        int n = text.length();
        while (i < n && isAsciiSpace(text.charAt(i))) {
            i++;
        }
        StringBuilder hex = new StringBuilder(32);
        while (hex.length() < 32) {
            if (i >= n) {
                return null;
            }
            char c = text.charAt(i);
            if (c == '-' || c == ' ') {
                i++;
                continue;
            }
            if (i + 1 >= n || !isHex(c) || !isHex(text.charAt(i + 1))) {
                return null;
            }
            hex.append(Character.toLowerCase(c)).append(Character.toLowerCase(text.charAt(i + 1)));
            i += 2;
        }
        for (; i < n; i++) {
            if (!isAsciiSpace(text.charAt(i))) {
                return null;
            }
        }
        return hex.substring(0, 8) + "-" + hex.substring(8, 12) + "-" + hex.substring(12, 16) + "-"
                + hex.substring(16, 20) + "-" + hex.substring(20);
    }

    private static boolean isHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    private static boolean isAsciiSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == 0x0b || c == '\f' || c == '\r';
    }
}
