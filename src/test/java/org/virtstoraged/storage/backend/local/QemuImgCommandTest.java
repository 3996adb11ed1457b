package org.virtstoraged.storage.backend.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.virtstoraged.error.VirException;
import org.virtstoraged.storage.model.VolumeBackingStore;
import org.virtstoraged.storage.model.VolumeDefinition;
import org.virtstoraged.storage.model.VolumeEncryption;
import org.virtstoraged.storage.model.VolumeFeature;

/** The command lines of libvirt 9.0's tests/storagevolxml2argvdata, restated for the same inputs. */
class QemuImgCommandTest {
    private static final String IMAGES = "/var/lib/libvirt/images/";
    private static final long GIB = 1L << 30;

    private static VolumeDefinition.Builder other() {
        return VolumeDefinition.builder("OtherDemo.img").targetPath(IMAGES + "OtherDemo.img").targetFormat("qcow2")
                .capacity(5 * GIB).allocation(294912);
    }

    private static VolumeDefinition withDevNullBacking(VolumeDefinition.Builder b) {
        return b.backingStore(new VolumeBackingStore("/dev/null", "raw", null)).build();
    }

    private static final VolumeDefinition SPARSE = VolumeDefinition.builder("sparse.img").targetPath(IMAGES + "sparse.img")
            .targetFormat("raw").capacity(1L << 40).allocation(0).build();

    private static List<String> argv(VolumeDefinition vol, VolumeDefinition input, int flags) {
        return QemuImgCommand.build(vol, input, flags, "qemu-img", "/path/to/secretFile", "/path/to/inputSecretFile",
                EncryptStep.NONE);
    }

    private static List<String> words(String line) {
        return List.of(line.split(" "));
    }

    @Test
    void qcow2Compat() {
        assertEquals(words("qemu-img create -f qcow2 -b /dev/null -o backing_fmt=raw,compat=0.10 "
                + IMAGES + "OtherDemo.img 5242880K"), argv(withDevNullBacking(other()), null, 0));
    }

    @Test
    void qcow2NobackingPreallocCompat() {
        assertEquals(words("qemu-img create -f qcow2 -o preallocation=metadata,compat=0.10 "
                + IMAGES + "OtherDemo.img 5242880K"), argv(other().build(), null, VolumeCreateFlags.PREALLOC_METADATA));
    }

    @Test
    void qcow2NobackingConvertPreallocCompat() {
        assertEquals(words("qemu-img convert -f raw -O qcow2 -o preallocation=metadata,compat=0.10 "
                + IMAGES + "sparse.img " + IMAGES + "OtherDemo.img"),
                argv(other().build(), SPARSE, VolumeCreateFlags.PREALLOC_METADATA));
    }

    @Test
    void qcow2NocapacityConvertPrealloc() {
        // vol-qcow2-nocapacity: no capacity and no allocation, so the allocation is not below the size
        VolumeDefinition v = other().capacity(0).allocation(0).build();
        assertEquals(words("qemu-img convert -f raw -O qcow2 -o preallocation=falloc,compat=0.10 "
                + IMAGES + "sparse.img " + IMAGES + "OtherDemo.img"), argv(v, SPARSE, VolumeCreateFlags.PREALLOC_METADATA));
    }

    @Test
    void qcow2LazyAnd11() {
        assertEquals(words("qemu-img create -f qcow2 -b /dev/null -o backing_fmt=raw,compat=1.1,lazy_refcounts "
                + IMAGES + "OtherDemo.img 5242880K"), argv(withDevNullBacking(other().compat("1.1")
                        .features(Set.of(VolumeFeature.LAZY_REFCOUNTS))), null, 0));
        assertEquals(words("qemu-img create -f qcow2 -b /dev/null -o backing_fmt=raw,compat=1.1 "
                + IMAGES + "OtherDemo.img 5242880K"), argv(withDevNullBacking(other().compat("1.1")), null, 0));
        VirException e = assertThrows(VirException.class, () -> argv(withDevNullBacking(other().compat("0.10")
                .features(Set.of(VolumeFeature.LAZY_REFCOUNTS))), null, 0));
        assertEquals("unsupported configuration: lazy_refcounts not supported with compat level 0.10", e.getMessage());
    }

    @Test
    void qcow2NocowClusterSizeZeroCapacityNoCapacity() {
        assertEquals(words("qemu-img create -f qcow2 -b /dev/null -o backing_fmt=raw,nocow=on,compat=0.10 "
                + IMAGES + "OtherDemo.img 5242880K"), argv(withDevNullBacking(other().nocow(true)), null, 0));
        assertEquals(words("qemu-img create -f qcow2 -o compat=1.1,cluster_size=131072,extended_l2=on "
                + IMAGES + "OtherDemo.img 5242880K"), argv(other().compat("1.1").clusterSize(131072)
                        .features(Set.of(VolumeFeature.EXTENDED_L2)).build(), null, 0));
        assertEquals(words("qemu-img create -f qcow2 -o compat=0.10 " + IMAGES + "OtherDemo.img 0K"),
                argv(other().capacity(0).build(), null, 0));
        assertEquals(words("qemu-img create -f qcow2 -b /dev/null -o backing_fmt=raw,compat=0.10 "
                + IMAGES + "OtherDemo.img"), argv(withDevNullBacking(other().capacity(0)), null, 0));
    }

    @Test
    void isoIsRaw() {
        VolumeDefinition iso = VolumeDefinition.builder("test.iso").targetPath(IMAGES + "test.iso").targetFormat("iso")
                .capacity(1 << 20).build();
        assertEquals(words("qemu-img create -f raw " + IMAGES + "test.iso 1024K"), argv(iso, null, 0));
        assertEquals(words("qemu-img convert -f raw -O raw " + IMAGES + "test.iso " + IMAGES + "sparse.img"),
                argv(SPARSE, iso, 0));
    }

    @Test
    void luksAndQcow2Luks() {
        VolumeEncryption luks = new VolumeEncryption(VolumeEncryption.Format.LUKS, null,
                List.of(VolumeEncryption.Secret.byUuid("f52a81b2-424e-490c-823d-6bd4235bc572")),
                new VolumeEncryption.Cipher("serpent", 256, "cbc", "sha256"),
                new VolumeEncryption.Ivgen("plain64", "sha256"));
        VolumeDefinition v = VolumeDefinition.builder("LuksDemo.img").targetPath(IMAGES + "LuksDemo.img")
                .targetFormat("raw").capacity(5 * GIB).encryption(luks).build();
        assertEquals(List.of("qemu-img", "create", "-f", "luks", "--object",
                "secret,id=LuksDemo.img_encrypt0,file=/path/to/secretFile", "-o",
                "key-secret=LuksDemo.img_encrypt0,cipher-alg=serpent-256,cipher-mode=cbc,hash-alg=sha256,"
                        + "ivgen-alg=plain64,ivgen-hash-alg=sha256", IMAGES + "LuksDemo.img", "5242880K"),
                argv(v, null, 0));
        VolumeEncryption plain = new VolumeEncryption(VolumeEncryption.Format.LUKS, null, luks.secrets(), null, null);
        VolumeDefinition q = VolumeDefinition.builder("OtherDemoLuks.img").targetPath(IMAGES + "OtherDemoLuks.img")
                .targetFormat("qcow2").capacity(5 * GIB).encryption(plain)
                .backingStore(new VolumeBackingStore("/dev/null", "raw", null)).build();
        assertEquals(List.of("qemu-img", "create", "-f", "qcow2", "-b", "/dev/null", "--object",
                "secret,id=OtherDemoLuks.img_encrypt0,file=/path/to/secretFile", "-o",
                "backing_fmt=raw,encrypt.format=luks,encrypt.key-secret=OtherDemoLuks.img_encrypt0,compat=0.10",
                IMAGES + "OtherDemoLuks.img", "5242880K"), argv(q, null, 0));
        // luks-convert: create, then convert into the encrypted image
        VolumeDefinition target = v.toBuilder().name("OtherDemo.img").targetPath(IMAGES + "OtherDemo.img")
                .encryption(plain).build();
        VolumeDefinition file = SPARSE;
        assertEquals(List.of("qemu-img", "convert", "--image-opts", "-n", "--target-image-opts", "--object",
                "secret,id=OtherDemo.img_encrypt0,file=/path/to/secretFile",
                "driver=raw,file.filename=" + IMAGES + "sparse.img",
                "driver=luks,file.filename=" + IMAGES + "OtherDemo.img,key-secret=OtherDemo.img_encrypt0"),
                QemuImgCommand.build(target, file, 0, "qemu-img", "/path/to/secretFile", null, EncryptStep.CONVERT));
    }

    @Test
    void qcow2LegacyEncryptionRefused() {
        VolumeEncryption qcow = new VolumeEncryption(VolumeEncryption.Format.QCOW, null, List.of(), null, null);
        VirException e = assertThrows(VirException.class, () -> argv(other().encryption(qcow).build(), null, 0));
        assertEquals("unsupported configuration: creation of qcow2 encrypted image is not supported", e.getMessage());
    }

    @Test
    void resizeArgv() {
        VolumeDefinition v = other().build();
        assertEquals(List.of("qemu-img", "resize", IMAGES + "OtherDemo.img", "6442450944"),
                LocalVolumeResizer.resizeArgv("qemu-img", v, 6 * GIB - 100, null, null));
        assertEquals(List.of("qemu-img", "resize", "--shrink", IMAGES + "OtherDemo.img", "1073741824"),
                LocalVolumeResizer.resizeArgv("qemu-img", v, GIB, null, null));
        assertEquals(List.of("qemu-img", "resize", "--object", "secret,id=OtherDemo.img_encrypt0,file=/s",
                "--image-opts", "driver=qcow2,encrypt.key-secret=OtherDemo.img_encrypt0,file.filename="
                        + IMAGES + "OtherDemo.img", "6442450944"),
                LocalVolumeResizer.resizeArgv("qemu-img", v, 6 * GIB, "/s", "OtherDemo.img_encrypt0"));
    }
}
