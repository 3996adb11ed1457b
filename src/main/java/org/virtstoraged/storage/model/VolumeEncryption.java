package org.virtstoraged.storage.model;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * virStorageEncryption: the {@code <encryption>} of a volume target.
 *
 * @param format  the encryption format
 * @param engine  the engine, {@link Engine#DEFAULT} when the XML named none
 * @param secrets the {@code <secret>} elements in document order
 * @param cipher  the LUKS cipher, or null (only luks reads and writes it)
 * @param ivgen   the LUKS initialisation vector generator, or null (written only with a cipher)
 */
public record VolumeEncryption(Format format, Engine engine, List<Secret> secrets, Cipher cipher, Ivgen ivgen) {
    public VolumeEncryption {
        Objects.requireNonNull(format, "format");
        engine = engine == null ? Engine.DEFAULT : engine;
        secrets = secrets == null ? List.of() : List.copyOf(secrets);
    }

    /** virStorageEncryptionFormatType. */
    public enum Format {
        DEFAULT("default"), QCOW("qcow"), LUKS("luks"), LUKS2("luks2");

        private final String xmlName;

        Format(String xmlName) {
            this.xmlName = xmlName;
        }

        public String xmlName() {
            return xmlName;
        }

        public static Optional<Format> fromXmlName(String name) {
            for (Format f : values()) {
                if (f.xmlName.equals(name)) {
                    return Optional.of(f);
                }
            }
            return Optional.empty();
        }
    }

    /** virStorageEncryptionEngine; DEFAULT is never written out. */
    public enum Engine {
        DEFAULT("default"), QEMU("qemu"), LIBRBD("librbd");

        private final String xmlName;

        Engine(String xmlName) {
            this.xmlName = xmlName;
        }

        public String xmlName() {
            return xmlName;
        }

        public static Optional<Engine> fromXmlName(String name) {
            for (Engine e : values()) {
                if (e.xmlName.equals(name)) {
                    return Optional.of(e);
                }
            }
            return Optional.empty();
        }
    }

    /**
     * A passphrase secret, found either by UUID (kept in canonical lower-case form) or by usage; exactly
     * one of the two is set.
     */
    public record Secret(String uuid, String usage) {
        public static Secret byUuid(String uuid) {
            return new Secret(Objects.requireNonNull(uuid), null);
        }

        public static Secret byUsage(String usage) {
            return new Secret(null, Objects.requireNonNull(usage));
        }
    }

    /** {@code <cipher name size mode hash>}; size is an unsigned int, mode and hash may be null. */
    public record Cipher(String name, long size, String mode, String hash) {
        public Cipher {
            Objects.requireNonNull(name, "name");
        }
    }

    /** {@code <ivgen name hash>}; hash may be null. */
    public record Ivgen(String name, String hash) {
        public Ivgen {
            Objects.requireNonNull(name, "name");
        }
    }
}
