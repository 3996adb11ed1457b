package org.virtstoraged.storage.backend.local;

import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.storage.model.VolumeDefinition;
import org.virtstoraged.storage.model.VolumeEncryption;
import org.virtstoraged.storage.model.VolumeFeature;

/** storageBackendCreateQemuImgOpts: the comma-separated value of qemu-img's -o, in libvirt's order. */
final class QemuImgOptions {
    private QemuImgOptions() {
    }

    /**
     * @param backingFormat the backing format when a backing file is passed with -b, else null
     * @param sizeKiB       capacity rounded up to KiB
     * @param allocKiB      allocation rounded up to KiB
     */
    static String create(String format, VolumeDefinition vol, VolumeEncryption enc, String secretAlias,
            boolean preallocate, long sizeKiB, long allocKiB, String backingFormat) {
        StringBuilder b = new StringBuilder();
        if (backingFormat != null) {
            b.append("backing_fmt=").append(backingFormat).append(',');
        }
        if (enc != null) {
            encryption(b, format, enc, secretAlias);
        }
        if (preallocate) {
            // a volume allocated below its capacity only gets its metadata preallocated
            b.append(Long.compareUnsigned(sizeKiB, allocKiB) > 0 ? "preallocation=metadata," : "preallocation=falloc,");
        }
        if (vol.nocow()) {
            b.append("nocow=on,");
        }
        String compat = vol.compat().orElse(null);
        if (compat != null) {
            b.append("compat=").append(compat).append(',');
        } else if (format.equals("qcow2")) {
            b.append("compat=0.10,");
        }
        if (vol.clusterSize() > 0) {
            b.append("cluster_size=").append(Long.toUnsignedString(vol.clusterSize())).append(',');
        }
        if (vol.hasFeatures() && format.equals("qcow2")) {
            if (vol.features().contains(VolumeFeature.LAZY_REFCOUNTS)) {
                if ("0.10".equals(compat)) {
                    throw VolumeErrors.of(ErrorCode.CONFIG_UNSUPPORTED,
                            "lazy_refcounts not supported with compat level %s", compat);
                }
                b.append("lazy_refcounts,");
            }
            if (vol.features().contains(VolumeFeature.EXTENDED_L2)) {
                if ("0.10".equals(compat)) {
                    throw VolumeErrors.of(ErrorCode.CONFIG_UNSUPPORTED,
                            "'extended_l2' not supported with compat level %s", compat);
                }
                b.append("extended_l2=on,");
            }
        }
        while (b.length() > 0 && b.charAt(b.length() - 1) == ',') {
            b.setLength(b.length() - 1);
        }
        return b.toString();
    }

    /** storageBackendBuildQemuImgEncriptionOpts: LUKS key and cipher options (qcow2 prefixes "encrypt."). */
    private static void encryption(StringBuilder b, String format, VolumeEncryption enc, String alias) {
        String prefix = "";
        if (format.equals("qcow2")) {
            b.append("encrypt.format=luks,");
            prefix = "encrypt.";
        }
        b.append(prefix).append("key-secret=").append(alias).append(',');
        VolumeEncryption.Cipher cipher = enc.cipher();
        if (cipher == null) {
            return;
        }
        b.append(prefix).append("cipher-alg=").append(escapeComma(cipher.name())).append('-')
                .append(Long.toUnsignedString(cipher.size() & 0xffffffffL)).append(',');
        if (cipher.mode() != null) {
            b.append(prefix).append("cipher-mode=").append(escapeComma(cipher.mode())).append(',');
        }
        if (cipher.hash() != null) {
            b.append(prefix).append("hash-alg=").append(escapeComma(cipher.hash())).append(',');
        }
        VolumeEncryption.Ivgen ivgen = enc.ivgen();
        if (ivgen == null) {
            return;
        }
        b.append(prefix).append("ivgen-alg=").append(escapeComma(ivgen.name())).append(',');
        if (ivgen.hash() != null) {
            b.append(prefix).append("ivgen-hash-alg=").append(escapeComma(ivgen.hash())).append(',');
        }
    }

    /** virQEMUBuildBufferEscapeComma. */
    static String escapeComma(String s) {
        return s.replace(",", ",,");
    }
}
