package org.virtstoraged.storage.backend.local;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.storage.SystemErrors;
import org.virtstoraged.storage.command.CommandRunner;
import org.virtstoraged.storage.model.VolumeDefinition;
import org.virtstoraged.storage.model.VolumeEncryption;

/**
 * virStorageBackendVolResizeLocal: raw files are truncated (after fallocate when ALLOCATE is given),
 * ploop goes through "ploop resize", everything else through "qemu-img resize". The driver has already
 * checked the new capacity against the old one.
 */
public final class LocalVolumeResizer {
    private final CommandRunner runner;
    private final VolumeSecrets secrets;

    public LocalVolumeResizer(CommandRunner runner) {
        this(runner, VolumeSecrets.NONE);
    }

    public LocalVolumeResizer(CommandRunner runner, VolumeSecrets secrets) {
        this.runner = runner;
        this.secrets = secrets;
    }

    public void resize(VolumeDefinition vol, long capacity, int flags) {
        VolumeErrors.checkFlags(flags, VolumeResizeFlags.ALLOCATE | VolumeResizeFlags.SHRINK,
                "virStorageBackendVolResizeLocal");
        boolean preallocate = (flags & VolumeResizeFlags.ALLOCATE) != 0;
        String format = vol.targetFormat();
        boolean encrypted = vol.encryption().isPresent();
        if ("raw".equals(format) && !encrypted) {
            resizeFile(Path.of(vol.targetPath().orElseThrow()), capacity, preallocate);
        } else if ("raw".equals(format)) {
            if (preallocate) {
                throw VolumeErrors.of(ErrorCode.OPERATION_UNSUPPORTED,
                        "preallocate is only supported for an unencrypted raw volume");
            }
            resizeQemuImg(vol, capacity);
        } else if ("ploop".equals(format)) {
            resizePloop(vol, capacity);
        } else {
            if (preallocate) {
                throw VolumeErrors.of(ErrorCode.OPERATION_UNSUPPORTED,
                        "preallocate is only supported for raw type volume");
            }
            resizeQemuImg(vol, capacity);
        }
    }

    /** virFileResize. */
    private void resizeFile(Path path, long capacity, boolean preallocate) {
        // open(O_RDWR) without O_CREAT: RandomAccessFile alone would create a missing volume
        try (FileChannel probe = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            // only checks that the volume can be opened for writing
        } catch (IOException e) {
            throw SystemErrors.of(e, "Unable to open '%s'", path);
        }
        try (RandomAccessFile file = new RandomAccessFile(path.toFile(), "rw")) {
            if (preallocate && capacity > 0) {
                String err = FileAllocator.allocateOrWrite(path, 0, capacity);
                if (err != null) {
                    throw SystemErrors.of(err, "Failed to pre-allocate space for file '%s'", path);
                }
            }
            try {
                // setLength is ftruncate: it grows or shrinks without writing data
                file.setLength(capacity);
            } catch (IOException e) {
                throw SystemErrors.of(e, "Failed to truncate file '%s'", path);
            }
        } catch (IOException e) {
            throw SystemErrors.of(e, "Unable to save '%s'", path);
        }
    }

    /** storageBackendResizeQemuImg. */
    private void resizeQemuImg(VolumeDefinition vol, long capacity) {
        VolumeEncryption enc = vol.encryption().orElse(null);
        String format = QemuImgCommand.formatName(vol.targetFormat());
        if (enc != null && (enc.format() == VolumeEncryption.Format.QCOW || enc.format() == VolumeEncryption.Format.DEFAULT)
                && (format.equals("qcow") || format.equals("qcow2"))) {
            throw VolumeErrors.of(ErrorCode.CONFIG_UNSUPPORTED, "resize of qcow2 encrypted image is not supported");
        }
        String tool = ExecutableLocator.find("qemu-img").orElseThrow(() -> VolumeErrors.of(
                ErrorCode.INTERNAL_ERROR, "unable to find qemu-img"));
        Path secretFile = null;
        try {
            String alias = null;
            if (enc != null) {
                String type = format.equals("raw") ? "luks" : format;
                QemuImgCommand.checkEncryption(format, type, enc);
                if (enc.secrets().size() != 1) {
                    throw VolumeErrors.of(ErrorCode.INVALID_ARG,
                            "A single <secret type='passphrase'...> element is expected in encryption description");
                }
                secretFile = secrets.writeSecretFile(vol, enc.secrets().get(0));
                alias = vol.name() + "_encrypt0";
            }
            List<String> argv = resizeArgv(tool, vol, capacity, secretFile == null ? null : secretFile.toString(), alias);
            runner.run(argv).requireSuccess(argv);
        } finally {
            if (secretFile != null) {
                secretFile.toFile().delete();
            }
        }
    }

    /** qemu-img resize [--shrink] (PATH | --object ... --image-opts ...) SIZE, size rounded up to 512. */
    static List<String> resizeArgv(String tool, VolumeDefinition vol, long capacity, String secretPath, String alias) {
        long rounded = QemuImgCommand.divUp(capacity, 512) * 512;
        List<String> argv = new ArrayList<>(List.of(tool, "resize"));
        if (Long.compareUnsigned(rounded, vol.capacity()) < 0) {
            argv.add("--shrink");
        }
        String path = vol.targetPath().orElseThrow();
        if (secretPath == null) {
            argv.add(path);
        } else {
            argv.addAll(QemuImgCommand.secretObject(alias, secretPath));
            boolean qcow2 = "qcow2".equals(vol.targetFormat());
            argv.add("--image-opts");
            argv.add("driver=" + (qcow2 ? "qcow2" : "luks") + "," + (qcow2 ? "encrypt." : "") + "key-secret=" + alias
                    + ",file.filename=" + QemuImgOptions.escapeComma(path));
        }
        argv.add(Long.toUnsignedString(rounded));
        return argv;
    }

    /** storagePloopResize. */
    private void resizePloop(VolumeDefinition vol, long capacity) {
        String tool = ExecutableLocator.find("ploop").orElseThrow(() -> VolumeErrors.of(
                ErrorCode.INTERNAL_ERROR, "unable to find ploop, please install ploop tools"));
        List<String> argv = List.of(tool, "resize", "-s",
                Long.toUnsignedString(QemuImgCommand.divUp(capacity, 1024 * 1024)) + "M",
                vol.targetPath().orElseThrow() + "/DiskDescriptor.xml");
        runner.run(argv).requireSuccess(argv);
    }
}
