package org.virtstoraged.storage.backend.local;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.storage.SystemErrors;
import org.virtstoraged.storage.model.VolumeBackingStore;
import org.virtstoraged.storage.model.VolumeDefinition;
import org.virtstoraged.storage.model.VolumeEncryption;
import org.virtstoraged.storage.model.VolumeType;

/**
 * virStorageBackendCreateQemuImgCmdFromVol: the qemu-img create/convert command line for a volume,
 * with libvirt's validation of option combinations. Pure: it touches the file system only for the
 * backing store's readability check.
 */
final class QemuImgCommand {
    private QemuImgCommand() {
    }

    /**
     * @param tool            the qemu-img path
     * @param input           the volume to copy from, or null
     * @param secretPath      the file holding the new volume's passphrase (when it is encrypted)
     * @param inputSecretPath the file holding the input's passphrase (when it is encrypted)
     */
    static List<String> build(VolumeDefinition vol, VolumeDefinition input, int flags, String tool,
            String secretPath, String inputSecretPath, EncryptStep step) {
        VolumeErrors.checkFlags(flags, VolumeCreateFlags.PREALLOC_METADATA,
                "virStorageBackendCreateQemuImgCmdFromVol");
        VolumeEncryption enc = vol.encryption().orElse(null);
        VolumeEncryption inputEnc = input == null ? null : input.encryption().orElse(null);
        String format = formatName(vol.targetFormat());
        if (enc != null && (enc.format() == VolumeEncryption.Format.QCOW || enc.format() == VolumeEncryption.Format.DEFAULT)
                && (format.equals("qcow") || format.equals("qcow2"))) {
            throw VolumeErrors.of(ErrorCode.CONFIG_UNSUPPORTED, "creation of qcow2 encrypted image is not supported");
        }
        if (inputEnc != null && inputEnc.format() != VolumeEncryption.Format.LUKS) {
            throw VolumeErrors.of(ErrorCode.CONFIG_UNSUPPORTED, "encryption format of inputvol must be LUKS");
        }
        boolean preallocate = (flags & VolumeCreateFlags.PREALLOC_METADATA) != 0;

        // virStorageBackendCreateQemuImgSetInfo
        if (vol.type() == VolumeType.BLOCK || format.equals("iso")) {
            format = "raw";
        }
        String type = format;
        String inputType = input == null ? null : formatName(input.targetFormat());
        boolean qcow2 = format.equals("qcow2");
        if (preallocate && !qcow2) {
            throw VolumeErrors.of(ErrorCode.CONFIG_UNSUPPORTED, "metadata preallocation only available with qcow2");
        }
        if (vol.compat().isPresent() && !qcow2) {
            throw VolumeErrors.of(ErrorCode.CONFIG_UNSUPPORTED, "compatibility option only available with qcow2");
        }
        if (vol.hasFeatures() && !qcow2) {
            throw VolumeErrors.of(ErrorCode.CONFIG_UNSUPPORTED, "format features only available with qcow2");
        }
        if (format.equals("raw") && enc != null) {
            if (enc.format() != VolumeEncryption.Format.LUKS) {
                throw VolumeErrors.of(ErrorCode.INTERNAL_ERROR, "Only luks encryption is supported for raw files");
            }
            type = "luks";
        }
        if (input != null && "raw".equals(inputType) && inputEnc != null) {
            if (inputEnc.format() != VolumeEncryption.Format.LUKS) {
                throw VolumeErrors.of(ErrorCode.INTERNAL_ERROR, "Only luks encryption is supported for raw files");
            }
            inputType = "luks";
        }
        String inputPath = null;
        String inputFormat = null;
        if (input != null) {
            if (step != EncryptStep.CREATE) {
                inputPath = input.targetPath().orElseThrow(() -> VolumeErrors.of(ErrorCode.INVALID_ARG,
                        "missing input volume target path"));
            }
            inputFormat = formatName(input.targetFormat());
            if (input.type() == VolumeType.BLOCK || inputFormat.equals("iso")) {
                inputFormat = "raw";
            }
        }
        String backingPath = null;
        String backingFormat = null;
        if (vol.backingStore().isPresent()) {
            VolumeBackingStore backing = vol.backingStore().get();
            checkBacking(vol, input, format, preallocate, backing);
            backingPath = backing.path();
            backingFormat = formatName(backing.format());
        }
        if (enc != null) {
            checkEncryption(format, type, enc);
        }
        long sizeKiB = divUp(vol.capacity(), 1024);

        List<String> argv = new ArrayList<>();
        argv.add(tool);
        // a copy never keeps a backing file, and neither does the first step of an encrypting copy
        if (inputPath != null || step == EncryptStep.CREATE) {
            backingPath = null;
        }
        if (inputPath != null && step == EncryptStep.NONE) {
            argv.addAll(List.of("convert", "-f", inputFormat, "-O", type));
        } else if (inputPath != null && step == EncryptStep.CONVERT) {
            argv.addAll(List.of("convert", "--image-opts", "-n", "--target-image-opts"));
        } else {
            argv.addAll(List.of("create", "-f", type));
        }
        if (backingPath != null) {
            argv.addAll(List.of("-b", backingPath));
        }
        String alias = null;
        if (enc != null) {
            if (secretPath == null) {
                throw VolumeErrors.of(ErrorCode.INTERNAL_ERROR, "path to secret data file is required");
            }
            alias = vol.name() + "_encrypt0";
            argv.addAll(secretObject(alias, secretPath));
        }
        String inputAlias = null;
        if (inputEnc != null && step == EncryptStep.CONVERT) {
            if (inputSecretPath == null) {
                throw VolumeErrors.of(ErrorCode.INTERNAL_ERROR, "path to inputvol secret data file is required");
            }
            inputAlias = input.name() + "_encrypt0";
            argv.addAll(secretObject(inputAlias, inputSecretPath));
        }
        String path = vol.targetPath().orElseThrow();
        if (step != EncryptStep.CONVERT) {
            String opts = QemuImgOptions.create(format, vol, enc, alias, preallocate, sizeKiB,
                    divUp(vol.allocation(), 1024), backingPath == null ? null : backingFormat);
            if (!opts.isEmpty()) {
                argv.addAll(List.of("-o", opts));
            }
            if (inputPath != null) {
                argv.add(inputPath);
            }
            argv.add(path);
            if (inputPath == null && (sizeKiB != 0 || backingPath == null)) {
                argv.add(Long.toUnsignedString(sizeKiB) + "K");
            }
        } else {
            String source = "driver=" + (inputType == null ? "raw" : inputType) + ",file.filename=" + inputPath;
            if (inputEnc != null) {
                source += "," + ("qcow2".equals(formatName(input.targetFormat())) ? "encrypt." : "")
                        + "key-secret=" + inputAlias;
            }
            String dest = "driver=" + type + ",file.filename=" + path;
            if (enc != null) {
                dest += "," + (qcow2 ? "encrypt." : "") + "key-secret=" + alias;
            }
            argv.add(source);
            argv.add(dest);
        }
        return argv;
    }

    /** storageBackendCreateQemuImgSetBacking. */
    private static void checkBacking(VolumeDefinition vol, VolumeDefinition input, String format,
            boolean preallocate, VolumeBackingStore backing) {
        if (format.equals("raw")) {
            throw VolumeErrors.of(ErrorCode.CONFIG_UNSUPPORTED, "cannot set backing store for raw volume");
        }
        if (preallocate) {
            throw VolumeErrors.of(ErrorCode.CONFIG_UNSUPPORTED, "metadata preallocation conflicts with backing store");
        }
        if (input != null && input.backingStore().isPresent()
                && !input.backingStore().get().path().equals(backing.path())) {
            throw VolumeErrors.of(ErrorCode.INTERNAL_ERROR, "a different backing store cannot be specified.");
        }
        // relative names are checked against the pool directory, which holds the new volume
        String check = backing.path();
        if (!check.startsWith("/")) {
            Path parent = Path.of(vol.targetPath().orElseThrow()).getParent();
            check = (parent == null ? "." : parent.toString()) + "/" + check;
        }
        Path checkPath = Path.of(check);
        if (!Files.isReadable(checkPath)) {
            throw SystemErrors.of(Files.exists(checkPath) ? "Permission denied" : "No such file or directory",
                    "inaccessible backing store volume %s", backing.path());
        }
    }

    /** storageBackendCreateQemuImgCheckEncryption. */
    static void checkEncryption(String format, String type, VolumeEncryption enc) {
        if (!format.equals("raw") && !format.equals("qcow2")) {
            throw VolumeErrors.of(ErrorCode.CONFIG_UNSUPPORTED, "volume encryption unsupported with format %s", type);
        }
        if (enc.format() != VolumeEncryption.Format.LUKS) {
            throw VolumeErrors.of(ErrorCode.CONFIG_UNSUPPORTED, "unsupported volume encryption format %d",
                    enc.format().ordinal());
        }
        if (enc.secrets().size() > 1) {
            throw VolumeErrors.of(ErrorCode.XML_ERROR, "too many secrets for luks encryption");
        }
        if (enc.secrets().isEmpty()) {
            throw VolumeErrors.of(ErrorCode.XML_ERROR, "no secret provided for luks encryption");
        }
    }

    /** --object secret,id=ALIAS,file=PATH (commas in the path doubled, as qemu's option syntax needs). */
    static List<String> secretObject(String alias, String secretPath) {
        return List.of("--object", "secret,id=" + alias + ",file=" + QemuImgOptions.escapeComma(secretPath));
    }

    /** virStorageFileFormatTypeToString; format number 0 is "none". */
    static String formatName(String format) {
        return format == null ? "none" : format;
    }

    static long divUp(long value, long unit) {
        return Long.divideUnsigned(value + unit - 1, unit);
    }
}
