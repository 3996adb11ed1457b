package org.virtstoraged.storage.backend.scsi;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.ErrorDomain;
import org.virtstoraged.error.VirException;
import org.virtstoraged.storage.SystemErrors;
import org.virtstoraged.storage.model.VolumeDefinition;
import org.virtstoraged.storage.model.VolumeType;

/**
 * virStorageBackendSCSIFindLUs: every disk or CD-ROM logical unit of a SCSI host becomes a volume. The LUs
 * are the H:B:T:L entries of /sys/bus/scsi/devices for host H; each is named unit:B:T:L (the host number is
 * left out: the kernel hands it out anew on every boot), has the path of its /dev/sdX node under the pool's
 * target directory and the LU's serial as key.
 */
final class ScsiLuns {
    private static final Logger LOG = Logger.getLogger(ScsiLuns.class);
    /** SCSI peripheral device types libvirt makes volumes of. */
    private static final int TYPE_DISK = 0;
    private static final int TYPE_ROM = 5;
    private static final Pattern UNSIGNED = Pattern.compile("\\s*\\+?([0-9]+)");

    /** What the scan found, with the sums libvirt adds to the pool. */
    record Found(List<VolumeDefinition> volumes, long capacity, long allocation) {
    }

    private final HostPaths paths;
    private final StablePaths stablePaths;
    private final ScsiKeys keys;

    ScsiLuns(HostPaths paths, StablePaths stablePaths, ScsiKeys keys) {
        this.paths = paths;
        this.stablePaths = stablePaths;
        this.keys = keys;
    }

    /**
     * @param targetPath the pool's target path
     * @param npiv       the pool's adapter is an fc_host: keys include the target port
     */
    Found find(long host, String targetPath, boolean npiv) {
        Path devices = paths.scsiDevices();
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(devices)) {
            dir.forEach(p -> names.add(p.getFileName().toString()));
        } catch (IOException e) {
            throw SystemErrors.of(e, ErrorDomain.NONE, "cannot open directory '%s'", devices);
        }
        List<VolumeDefinition> volumes = new ArrayList<>();
        long capacity = 0;
        long allocation = 0;
        for (String name : names) {
            Optional<long[]> btl = parse(name, host);
            if (btl.isEmpty()) {
                continue;
            }
            long[] a = btl.get();
            Optional<VolumeDefinition> vol = processLu(host, a[0], a[1], a[2], targetPath, npiv);
            if (vol.isPresent()) {
                volumes.add(vol.get());
                capacity += vol.get().capacity();
                allocation += vol.get().allocation();
            }
        }
        LOG.debugf("Found %d LUs for host%d", volumes.size(), host);
        return new Found(volumes, capacity, allocation);
    }

    /** sscanf("H:%u:%u:%u"): the host number exactly as printed, then three numbers; anything may follow. */
    static Optional<long[]> parse(String entry, long host) {
        String prefix = host + ":";
        if (!entry.startsWith(prefix)) {
            return Optional.empty();
        }
        String rest = entry.substring(prefix.length());
        long[] values = new long[3];
        int at = 0;
        for (int i = 0; i < 3; i++) {
            if (i > 0) {
                if (at >= rest.length() || rest.charAt(at) != ':') {
                    return Optional.empty();
                }
                at++;
            }
            Matcher m = UNSIGNED.matcher(rest).region(at, rest.length());
            if (!m.lookingAt()) {
                return Optional.empty();
            }
            values[i] = Long.parseLong(m.group(1)) & 0xFFFFFFFFL;
            at = m.end();
        }
        return Optional.of(values);
    }

    /** processLU: empty for an LU that is no disk, has no block device or no stable path. */
    private Optional<VolumeDefinition> processLu(long host, long bus, long target, long lun, String targetPath,
            boolean npiv) {
        String address = host + ":" + bus + ":" + target + ":" + lun;
        int type = deviceType(address);
        if (type != TYPE_DISK && type != TYPE_ROM) {
            return Optional.empty();
        }
        Optional<String> block = blockDevice(address);
        if (block.isEmpty()) {
            return Optional.empty();
        }
        return newLun(bus, target, lun, block.get(), targetPath, npiv);
    }

    /** getDeviceType: the number in the first two characters of the LU's type file. */
    private int deviceType(String address) {
        Path file = paths.scsiDevices().resolve(address).resolve("type");
        byte[] head = new byte[2];
        int read;
        try (InputStream in = Files.newInputStream(file)) {
            read = in.readNBytes(head, 0, 2);
        } catch (IOException e) {
            throw notDirectAccess(address);
        }
        String text = new String(head, 0, read, StandardCharsets.US_ASCII);
        int nl = text.indexOf('\n');
        // fgets stops after a newline; virStrToLong_i takes the number and allows what follows it
        String digits = nl >= 0 ? text.substring(0, nl) : text;
        Matcher m = Pattern.compile("\\s*([-+]?[0-9]+)").matcher(digits);
        if (read == 0 || !m.lookingAt()) {
            throw notDirectAccess(address);
        }
        return Integer.parseInt(m.group(1));
    }

    /** Whatever went wrong reading the type, libvirt's last word is this. */
    private static VirException notDirectAccess(String address) {
        return VirException.of(ErrorCode.INTERNAL_ERROR, ErrorDomain.STORAGE,
                "Failed to determine if %s is a Direct-Access LUN", address);
    }

    /**
     * getBlockDevice: the LU's first entry starting with "block": a directory "block" holding the sdX entry
     * (newer kernels), or "block:sdX" (older ones). Empty when there is none.
     */
    private Optional<String> blockDevice(String address) {
        Path lunDir = paths.scsiDevices().resolve(address);
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(lunDir)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (!name.startsWith("block")) {
                    continue;
                }
                if (name.length() == "block".length()) {
                    return firstEntry(entry);
                }
                int colon = name.lastIndexOf(':');
                if (colon < 0) {
                    throw VirException.of(ErrorCode.INTERNAL_ERROR, ErrorDomain.STORAGE,
                            "Failed to parse block name %s", name);
                }
                return Optional.of(name.substring(colon + 1));
            }
        } catch (IOException e) {
            throw SystemErrors.of(e, ErrorDomain.NONE, "cannot open directory '%s'", lunDir);
        }
        return Optional.empty();
    }

    private static Optional<String> firstEntry(Path blockDir) throws IOException {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(blockDir)) {
            for (Path entry : entries) {
                return Optional.of(entry.getFileName().toString());
            }
        } catch (IOException e) {
            throw SystemErrors.of(e, ErrorDomain.NONE, "cannot open directory '%s'", blockDir);
        }
        return Optional.empty();
    }

    /** virStorageBackendSCSINewLun. */
    private Optional<VolumeDefinition> newLun(long bus, long target, long lun, String dev, String targetPath,
            boolean npiv) {
        boolean devDir = "/dev".equals(targetPath) || "/dev/".equals(targetPath);
        if (!StablePaths.isStable(targetPath) && !devDir) {
            throw VirException.of(ErrorCode.INVALID_ARG, ErrorDomain.STORAGE, "unable to use target path '%s' for dev '%s'",
                    targetPath == null ? "<null>" : targetPath, dev);
        }
        String devpath = "/dev/" + dev;
        String path = stablePaths.find(targetPath, devpath);
        if (path.equals(devpath) && !devDir) {
            LOG.debugf("No stable path found for '%s' in '%s'", devpath, targetPath);
            return Optional.empty();
        }
        VolumeDefinition vol = VolumeDefinition.builder("unit:" + bus + ":" + target + ":" + lun)
                .type(VolumeType.BLOCK).targetPath(path).build();
        Optional<VolumeDefinition> read = BlockVolumeInfo.read(vol, paths.device(path), true);
        return read.map(v -> v.withKey(keys.key(path, npiv)));
    }
}
