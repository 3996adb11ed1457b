package org.virtstoraged.storage.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.virtstoraged.storage.command.ProcessCommandRunner;
import org.virtstoraged.storage.model.VolumeFeature;

class ImageProbeTest {
    @TempDir
    Path dir;

    private Path qemuImg(String name, String... args) {
        List<String> argv = new ArrayList<>(List.of("qemu-img", "create"));
        argv.addAll(List.of(args));
        argv.add(2, "-q");
        Path file = dir.resolve(name);
        // the size, when given, is the last argument and follows the file name
        boolean sized = Character.isDigit(args[args.length - 1].charAt(0));
        argv.add(sized ? argv.size() - 1 : argv.size(), file.toString());
        var r = new ProcessCommandRunner().run(argv);
        assertEquals(0, r.exitCode(), r.stderr());
        return file;
    }

    @Test
    void rawIsTheFallbackWithNoSize() throws IOException {
        Path f = qemuImg("a.img", "-f", "raw", "1M");
        ImageInfo info = ImageProbe.probe(f);
        assertEquals("raw", info.format());
        assertEquals(0, info.virtualSize());
        assertEquals(Optional.empty(), info.compat());
        assertEquals(Optional.empty(), info.encryption());
    }

    @Test
    void aShortFileAfterAFullHeaderShowsOnlyItsOwnBytes() throws IOException {
        // the probe reuses its header buffer: the bytes a qcow2 header left there must not make the next,
        // shorter file (qcow's magic and nothing else) a qcow2 of some version and size
        assertEquals("qcow2", ImageProbe.probe(qemuImg("a.qcow2", "-f", "qcow2", "10M")).format());
        Path stub = Files.write(dir.resolve("stub.img"), new byte[] {'Q', 'F', 'I', (byte) 0xfb});
        ImageInfo info = ImageProbe.probe(stub);
        assertEquals("raw", info.format());
        assertEquals(0, info.virtualSize());
    }

    @Test
    void qcow2Compat010HasNoFeatures() throws IOException {
        Path f = qemuImg("a.qcow2", "-f", "qcow2", "-o", "compat=0.10", "10M");
        ImageInfo info = ImageProbe.probe(f);
        assertEquals("qcow2", info.format());
        assertEquals(10 << 20, info.virtualSize());
        assertEquals(65536, info.clusterSize());
        assertEquals(Optional.empty(), info.compat());
        assertEquals(Optional.empty(), info.features());
        assertFalse(info.lazyRefcounts());
        assertEquals(Optional.empty(), info.backingPath());
    }

    @Test
    void qcow2Compat11WithLazyRefcountsAndClusterSize() throws IOException {
        Path f = qemuImg("b.qcow2", "-f", "qcow2", "-o", "compat=1.1,lazy_refcounts=on,cluster_size=131072", "1G");
        ImageInfo info = ImageProbe.probe(f);
        assertEquals(1L << 30, info.virtualSize());
        assertEquals(131072, info.clusterSize());
        assertEquals(Optional.of("1.1"), info.compat());
        assertTrue(info.lazyRefcounts());
        assertEquals(Optional.of(Set.of(VolumeFeature.LAZY_REFCOUNTS)), info.features());
    }

    @Test
    void qcow2Compat11WithoutFeaturesStillReportsCompat() throws IOException {
        Path f = qemuImg("c.qcow2", "-f", "qcow2", "-o", "compat=1.1", "1M");
        ImageInfo info = ImageProbe.probe(f);
        assertEquals(Optional.of("1.1"), info.compat());
        assertEquals(Optional.of(Set.of()), info.features());
        assertFalse(info.lazyRefcounts());
    }

    @Test
    void qcow2BackingWithAndWithoutFormat() throws IOException {
        qemuImg("base.img", "-f", "raw", "2M");
        Path withFmt = qemuImg("top.qcow2", "-f", "qcow2", "-b", "base.img", "-F", "raw");
        ImageInfo info = ImageProbe.probe(withFmt);
        assertEquals(Optional.of("base.img"), info.backingPath());
        assertEquals(Optional.of("raw"), info.backingFormat());
        assertEquals(2 << 20, info.virtualSize());
        assertEquals(dir + "/base.img", BackingStorePath.resolve(withFmt, info.backingPath().get()));

        // qcow (v1) has no header extensions, so the backing format is never recorded
        Path v1 = qemuImg("top.qcow", "-f", "qcow", "-b", "base.img", "-F", "raw");
        ImageInfo noFmt = ImageProbe.probe(v1);
        assertEquals("qcow", noFmt.format());
        assertEquals(Optional.of("base.img"), noFmt.backingPath());
        assertEquals(Optional.empty(), noFmt.backingFormat());
        assertEquals(0, noFmt.clusterSize());
    }

    @Test
    void qedWithBacking() throws IOException {
        qemuImg("base.img", "-f", "raw", "3M");
        Path f = qemuImg("a.qed", "-f", "qed", "-b", "base.img", "-F", "raw");
        ImageInfo info = ImageProbe.probe(f);
        assertEquals("qed", info.format());
        assertEquals(3 << 20, info.virtualSize());
        assertEquals(Optional.of("base.img"), info.backingPath());
        assertEquals(Optional.of("raw"), info.backingFormat());
    }

    @Test
    void vmdkVdiVpc() throws IOException {
        ImageInfo vmdk = ImageProbe.probe(qemuImg("a.vmdk", "-f", "vmdk", "8M"));
        assertEquals("vmdk", vmdk.format());
        assertEquals(8 << 20, vmdk.virtualSize());
        assertEquals(Optional.empty(), vmdk.backingPath());

        ImageInfo vdi = ImageProbe.probe(qemuImg("a.vdi", "-f", "vdi", "4M"));
        assertEquals("vdi", vdi.format());
        assertEquals(4 << 20, vdi.virtualSize());

        // vpc stores the requested size in "original size"; CHS rounding only affects "current size"
        ImageInfo vpc = ImageProbe.probe(qemuImg("a.vpc", "-f", "vpc", "-o", "force_size=on", "4M"));
        assertEquals("vpc", vpc.format());
        assertEquals(4 << 20, vpc.virtualSize());
    }

    @Test
    void vmdkWithParent() throws IOException {
        qemuImg("base.vmdk", "-f", "vmdk", "8M");
        ImageInfo info = ImageProbe.probe(qemuImg("top.vmdk", "-f", "vmdk", "-b", "base.vmdk", "-F", "vmdk"));
        assertEquals(Optional.of("base.vmdk"), info.backingPath());
        assertEquals(Optional.empty(), info.backingFormat());
    }

    @Test
    void directoryAndKnownFormat() throws IOException {
        assertEquals("dir", ImageProbe.probe(dir).format());
        Path f = qemuImg("a.qcow2", "-f", "qcow2", "5M");
        // a known format that disagrees with the header yields only what that format's header says
        assertEquals(0, ImageProbe.probe(f, "raw").virtualSize());
        assertEquals(5 << 20, ImageProbe.probe(f, "qcow2").virtualSize());
    }

    @Test
    void wrongQcowVersionFallsBackToRaw() throws IOException {
        Path f = dir.resolve("fake");
        Files.write(f, new byte[] {'Q', 'F', 'I', (byte) 0xfb, 0, 0, 0, 9});
        assertEquals("raw", ImageProbe.probe(f).format());
    }

    @Test
    void backingPathsAsLibvirtShowsThem() {
        Path img = Path.of("/pool/top.qcow2");
        assertEquals("/pool/base.img", BackingStorePath.resolve(img, "base.img"));
        assertEquals("/pool/../x/base.img", BackingStorePath.resolve(img, "../x/base.img"));
        assertEquals("/abs/b.img", BackingStorePath.resolve(img, "/abs/b.img"));
        assertEquals("/b.img", BackingStorePath.resolve(Path.of("/top.img"), "b.img"));
        assertEquals("nbd://host/export", BackingStorePath.resolve(img, "nbd://host/export"));
        assertEquals("/pool/./a:b", BackingStorePath.resolve(img, "./a:b"));
        assertFalse(BackingStorePath.isLocal("rbd:pool/image"));
        assertTrue(BackingStorePath.isLocal("./a:b"));
    }
}
