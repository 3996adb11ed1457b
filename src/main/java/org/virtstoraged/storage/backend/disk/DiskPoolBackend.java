package org.virtstoraged.storage.backend.disk;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.ErrorDomain;
import org.virtstoraged.error.VirException;
import org.virtstoraged.storage.SystemErrors;
import org.virtstoraged.storage.backend.BuildFlags;
import org.virtstoraged.storage.backend.RefreshedPool;
import org.virtstoraged.storage.backend.StorageBackend;
import org.virtstoraged.storage.backend.disk.PartitionTable.Entry;
import org.virtstoraged.storage.backend.disk.PartitionTable.Kind;
import org.virtstoraged.storage.backend.local.FileStat;
import org.virtstoraged.storage.backend.local.LocalVolumeBuilder;
import org.virtstoraged.storage.backend.local.LocalVolumeWiper;
import org.virtstoraged.storage.backend.local.SecretFiles;
import org.virtstoraged.storage.command.CommandResult;
import org.virtstoraged.storage.command.CommandRunner;
import org.virtstoraged.storage.model.DiskPartitionFormat;
import org.virtstoraged.storage.model.PoolDefinition;
import org.virtstoraged.storage.model.PoolFreeExtent;
import org.virtstoraged.storage.model.PoolSource;
import org.virtstoraged.storage.model.PoolSourceDevice;
import org.virtstoraged.storage.model.PoolType;
import org.virtstoraged.storage.model.VolumeDefinition;
import org.virtstoraged.storage.model.VolumeEncryption;
import org.virtstoraged.storage.model.VolumeExtent;
import org.virtstoraged.storage.model.VolumeType;

/**
 * libvirt's "disk" backend (storage_backend_disk.c): a whole block device with a partition table, whose
 * partitions are the volumes. Labels are written with "parted DEV mklabel --script FMT", partitions made with
 * "parted DEV mkpart --script TYPE STARTB ENDB" and removed with "parted DEV rm --script N"; the table is
 * read as {@link PartitionTable} explains.
 *
 * <p>libvirt decides where a new partition goes, and whether it is primary or logical, from what it holds
 * in memory since the last refresh (the volumes' partition types, the free extents, the geometry), and a
 * failed creation can leave that memory half rebuilt. This backend keeps the same memory per active pool,
 * so creation behaves the same; the driver takes the pool's new state after a create or delete from
 * {@link #changedPool}.
 */
public final class DiskPoolBackend implements StorageBackend {
    static final String PARTED = "parted";
    static final long SECTOR_SIZE = 512;
    static final long ZERO_TABLE_BYTES = 1024 * 1024;
    /** What libvirt reserves for a LUKS header: the partition is made this much larger than asked. */
    static final long LUKS_HEADER_BYTES = 2 * 1024 * 1024;

    private final CommandRunner runner;
    private final SecretFiles secrets;
    private final DeviceLabelCheck labels;
    private final LocalVolumeWiper wiper;
    /** What libvirt keeps in its pool object, per active pool (by uuid). */
    private final Map<String, Live> live = new ConcurrentHashMap<>();

    /** A disk pool without a secret driver: encrypted volumes fail as on unknown secrets. */
    public DiskPoolBackend(CommandRunner runner) {
        this(runner, SecretFiles.NONE);
    }

    /** @param secrets where LUKS volumes get their passphrase */
    public DiskPoolBackend(CommandRunner runner, SecretFiles secrets) {
        this.runner = runner;
        this.secrets = secrets;
        this.labels = new DeviceLabelCheck(runner, PARTED);
        this.wiper = new LocalVolumeWiper(runner);
    }

    /** A volume with the partition type libvirt keeps beside it (not part of the XML). */
    private record Vol(VolumeDefinition def, Kind partType) {
    }

    private record Free(long start, long end, boolean logical) {
    }

    /** The pool object's state: sizes, volumes, free extents and geometry as of the last read. */
    private static final class Live {
        long capacity;
        long allocation;
        long available;
        int heads;
        int sectors;
        final List<Vol> vols = new ArrayList<>();
        final List<Free> free = new ArrayList<>();
    }

    @Override
    public PoolType type() {
        return PoolType.DISK;
    }

    @Override
    public Set<Operation> operations() {
        return EnumSet.of(Operation.CHECK_POOL, Operation.BUILD_POOL, Operation.START_POOL, Operation.DELETE_POOL,
                Operation.CREATE_VOL, Operation.DELETE_VOL, Operation.WIPE_VOL);
    }

    private static String device(PoolDefinition pool) {
        return pool.source().devices().get(0).path();
    }

    /** The label libvirt checks for: "unknown" counts as dos once the pool is used. */
    private static String usedFormat(PoolDefinition pool) {
        String format = pool.source().format().orElse("unknown");
        return format.equals("unknown") ? "dos" : format;
    }

    @Override
    public boolean checkPool(PoolDefinition pool) {
        String path = device(pool);
        if (!Files.exists(Path.of(path))) {
            return false;
        }
        labels.requireFit(path, usedFormat(pool), false);
        return true;
    }

    @Override
    public void startPool(PoolDefinition pool) {
        String path = device(pool);
        waitForDevices();
        if (!Files.exists(Path.of(path))) {
            throw VirException.of(ErrorCode.INVALID_ARG, ErrorDomain.STORAGE, "device path '%s' doesn't exist", path);
        }
        labels.requireFit(path, usedFormat(pool), false);
    }

    @Override
    public void buildPool(PoolDefinition pool, int flags) {
        BuildFlags.check(flags, "virStorageBackendDiskBuildPool");
        String path = device(pool);
        String format = pool.source().format().orElse("unknown");
        if ((flags & BuildFlags.OVERWRITE) == 0) {
            labels.requireFit(path, format, true);
        }
        zeroPartitionTable(path);
        String label = format.equals("unknown") || format.equals("dos") ? "msdos" : format;
        List<String> argv = List.of(PARTED, path, "mklabel", "--script", label);
        runner.run(argv).requireSuccess(argv);
    }

    @Override
    public void deletePool(PoolDefinition pool, int flags) {
        if (flags != 0) {
            throw VirException.unsupportedFlags(ErrorDomain.STORAGE, "virStorageBackendDiskDeletePool", flags);
        }
        zeroPartitionTable(device(pool));
    }

    /** virStorageBackendZeroPartitionTable: zeros over the first and the last MiB of the device. */
    static void zeroPartitionTable(String path) {
        FileChannel ch;
        try {
            ch = FileChannel.open(Path.of(path), StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw SystemErrors.of(e, "Failed to open storage volume with path '%s'", path);
        }
        try (ch) {
            long size = ch.size();
            zero(ch, path, 0, Math.min(ZERO_TABLE_BYTES, size));
            long tail = Math.max(0, size - ZERO_TABLE_BYTES);
            zero(ch, path, tail, size - tail);
            ch.force(false);
        } catch (IOException e) {
            throw SystemErrors.of(e, "cannot sync data to volume with path '%s'", path);
        }
    }

    private static void zero(FileChannel ch, String path, long position, long length) {
        ByteBuffer zeros = ByteBuffer.allocate(64 * 1024);
        long done = 0;
        while (done < length) {
            int chunk = (int) Math.min(zeros.capacity(), length - done);
            zeros.clear().limit(chunk);
            try {
                while (zeros.hasRemaining()) {
                    done += ch.write(zeros, position + done);
                }
            } catch (IOException e) {
                throw SystemErrors.of(e, "Failed to write %d bytes to storage volume with path '%s'", chunk, path);
            }
        }
    }

    // ---- refresh ---------------------------------------------------------------------------------

    /** virStorageBackendDiskRefreshPool. */
    @Override
    public RefreshedPool refreshPool(PoolDefinition pool) {
        Live state = new Live();
        live.put(pool.uuid(), state);
        waitForDevices();
        String path = device(pool);
        if (!Files.exists(Path.of(path))) {
            throw VirException.of(ErrorCode.INVALID_ARG, ErrorDomain.STORAGE, "device path '%s' doesn't exist", path);
        }
        readPartitions(pool, state, null);
        return snapshot(pool, state);
    }

    @Override
    public Optional<RefreshedPool> changedPool(PoolDefinition pool) {
        Live state = live.get(pool.uuid());
        return state == null ? Optional.empty() : Optional.of(snapshot(pool, state));
    }

    private static RefreshedPool snapshot(PoolDefinition pool, Live state) {
        List<PoolSourceDevice> devices = new ArrayList<>(pool.source().devices());
        devices.set(0, devices.get(0).withFreeExtents(
                state.free.stream().map(f -> new PoolFreeExtent(f.start(), f.end())).toList()));
        PoolSource.Builder source = pool.source().toBuilder().devices(devices);
        if (pool.source().format().orElse("unknown").equals("unknown")) {
            source.format("dos");
        }
        PoolDefinition def = pool.withSource(source.build())
                .withSizes(state.capacity, state.allocation, state.available);
        return new RefreshedPool(def, state.vols.stream().map(Vol::def).toList());
    }

    /**
     * virStorageBackendDiskReadPartitions: with {@code created} null every partition becomes a volume;
     * otherwise only the new partition is read, into {@code created}, which is returned.
     */
    private Vol readPartitions(PoolDefinition pool, Live state, VolumeDefinition created) {
        String path = device(pool);
        List<String> argv = PartitionTable.command(PARTED, path);
        CommandResult r = runner.run(argv).requireSuccess(argv);
        PartitionTable table = PartitionTable.parse(r.stdout());
        state.heads = table.heads();
        state.sectors = table.sectors();
        if (created == null) {
            state.allocation = 0;
        }
        state.capacity = 0;
        state.available = 0;
        String canonical = canonical(path);
        String separator = partSeparator(path, canonical, pool.source().devices().get(0));
        Vol made = null;
        VolumeDefinition wanted = created;
        for (Entry e : table.entries()) {
            if (e.free()) {
                long start = e.start() == 0 ? SECTOR_SIZE : e.start();
                state.free.add(new Free(start, e.end(), e.kind() == Kind.LOGICAL));
                state.available += e.end() - start;
                state.capacity = Math.max(state.capacity, e.end());
                continue;
            }
            String devpath = canonical + separator + e.number();
            if (wanted != null) {
                if (wanted.key() != null) {
                    if (!wanted.key().equals(devpath)) {
                        continue;
                    }
                } else if (state.vols.stream().anyMatch(v -> devpath.equals(v.def().key()))) {
                    continue;
                }
            }
            Vol vol = makeDataVol(pool, state, e, devpath, wanted);
            if (wanted != null) {
                made = vol;
                wanted = vol.def();
            }
        }
        return made;
    }

    /** virStorageBackendDiskMakeDataVol. Failure leaves {@code pending} with the path it got, for the caller. */
    private Vol makeDataVol(PoolDefinition pool, Live state, Entry e, String devpath, VolumeDefinition given) {
        String partname = devpath.substring(devpath.lastIndexOf('/') + 1);
        boolean add = given == null;
        VolumeDefinition vol = add ? VolumeDefinition.builder(partname).targetFormat("none").build() : given;
        if (vol.targetPath().isEmpty()) {
            vol = vol.withTargetPath(stablePath(pool, devpath));
            pendingPath = vol.targetPath().get();
        }
        if (!vol.name().equals(partname)) {
            throw VirException.of(ErrorCode.INVALID_ARG, ErrorDomain.STORAGE, "invalid partition name '%s', expected '%s'",
                    vol.name(), partname);
        }
        if (vol.key() == null) {
            vol = vol.withKey(vol.targetPath().get());
        }
        if (vol.extents().isEmpty()) {
            vol = vol.withExtents(List.of(new VolumeExtent(device(pool), e.start(), e.end())));
        }
        vol = vol.withType(VolumeType.BLOCK);
        waitForDevices();
        if (e.kind() == Kind.EXTENDED) {
            vol = blockInfo(vol, true);
            vol = vol.withSizes(e.end() - e.start(), 0);
        } else {
            vol = blockInfo(vol, false);
        }
        Vol made = new Vol(vol, e.kind());
        if (add) {
            state.vols.add(made);
        }
        if (e.kind() == Kind.LOGICAL) {
            for (int i = 0; i < state.vols.size(); i++) {
                Vol v = state.vols.get(i);
                if (v.partType() == Kind.EXTENDED) {
                    state.vols.set(i, new Vol(v.def().withSizes(v.def().capacity(),
                            v.def().allocation() + made.def().allocation()), v.partType()));
                    break;
                }
            }
        }
        if (e.kind() != Kind.EXTENDED) {
            state.allocation += made.def().allocation();
        }
        state.capacity = Math.max(state.capacity, e.end());
        return made;
    }

    /** The target path the last makeDataVol gave a volume being created (libvirt keeps it in the volume). */
    private String pendingPath;

    /**
     * virStorageBackendUpdateVolInfo on a partition's device node: owner, mode and times from stat, all sizes
     * from the end of the device. For an extended partition a node that cannot be opened is no error.
     */
    private VolumeDefinition blockInfo(VolumeDefinition vol, boolean noError) {
        Path path = Path.of(vol.targetPath().orElseThrow());
        Optional<FileStat> st = FileStat.of(path);
        long size;
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            size = ch.size();
        } catch (IOException ex) {
            if (noError) {
                return vol;
            }
            throw SystemErrors.of(ex, "cannot open volume '%s'", path);
        }
        if (st.isEmpty()) {
            if (noError) {
                return vol;
            }
            throw VirException.of(ErrorCode.SYSTEM_ERROR, ErrorDomain.STORAGE, "cannot stat file '%s'", path);
        }
        return vol.withSizes(size, size).withPhysical(size).withTargetPermissions(st.get().permissions())
                .withTimestamps(st.get().timestamps());
    }

    /** virStorageBackendStablePath for a partition found under the pool's target directory. */
    public static String stablePath(PoolDefinition pool, String devpath) {
        String target = pool.targetPath().orElse(null);
        if (target == null || target.equals("/dev") || target.equals("/dev/") || !target.startsWith("/dev/")) {
            return devpath;
        }
        Path dir = Path.of(target);
        for (int retry = 0; retry < 100; retry++) {
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
                for (Path entry : entries) {
                    try {
                        if (Files.isSameFile(entry, Path.of(devpath))) {
                            return target + "/" + entry.getFileName();
                        }
                    } catch (IOException ignored) {
                        // not a link to a device that is there
                    }
                }
            } catch (IOException e) {
                throw SystemErrors.of(e, "cannot read dir '%s'", target);
            }
            sleep(100);
        }
        return devpath;
    }

    private static String canonical(String path) {
        try {
            return Path.of(path).toRealPath().toString();
        } catch (IOException e) {
            throw SystemErrors.of(e, "cannot resolve '%s'", path);
        }
    }

    /** libvirt_parthelper's separator: "p" after a name ending in a digit (or for device mapper when asked). */
    private static String partSeparator(String path, String canonical, PoolSourceDevice dev) {
        if (isDevMapper(canonical)) {
            return Character.isDigit(path.charAt(path.length() - 1)) || Boolean.TRUE.equals(dev.partSeparator())
                    ? "p" : "";
        }
        return !canonical.isEmpty() && Character.isDigit(canonical.charAt(canonical.length() - 1)) ? "p" : "";
    }

    /** virIsDevMapperDevice, by the node the path leads to: a dm-N block device. */
    static boolean isDevMapper(String path) {
        try {
            Path real = Path.of(path).toRealPath();
            return real.getFileName() != null && real.getFileName().toString().startsWith("dm-");
        } catch (IOException e) {
            return false;
        }
    }

    // ---- volumes ----------------------------------------------------------------------------------

    private Live state(PoolDefinition pool) {
        return live.computeIfAbsent(pool.uuid(), u -> new Live());
    }

    /**
     * virStorageBackendDiskCreateVol: the partition is made here; there is no separate build step. A LUKS
     * volume gets a partition 2 MiB larger than its capacity, then qemu-img writes the LUKS header onto it and
     * the volume's capacity and allocation are the partition's less those 2 MiB.
     */
    @Override
    public VolumeDefinition createVol(PoolDefinition pool, VolumeDefinition volume) {
        Live state = state(pool);
        Optional<VolumeEncryption> encryption = volume.encryption();
        if (encryption.isPresent() && encryption.get().format() != VolumeEncryption.Format.LUKS) {
            throw VirException.of(ErrorCode.CONFIG_UNSUPPORTED, ErrorDomain.STORAGE,
                    "storage pool only supports LUKS encrypted volumes");
        }
        String partFormat = partFormat(pool, state, volume);
        long size = encryption.isPresent() ? volume.capacity() + LUKS_HEADER_BYTES : volume.capacity();
        long[] bounds = partBoundaries(pool, state, size);
        String path = device(pool);
        List<String> argv = List.of(PARTED, path, "mkpart", "--script", partFormat, bounds[0] + "B", bounds[1] + "B");
        runner.run(argv).requireSuccess(argv);
        waitForDevices();
        state.free.clear();
        pendingPath = null;
        VolumeDefinition request = volume.withTargetPath(null);
        try {
            Vol made = readPartitions(pool, state, request);
            if (made == null) {
                throw VirException.of(ErrorCode.INTERNAL_ERROR, ErrorDomain.STORAGE,
                        "cannot find the new partition of '%s'", volume.name());
            }
            if (encryption.isPresent()) {
                made = luksFormat(pool, made);
            }
            state.vols.add(made);
            return made.def();
        } catch (RuntimeException e) {
            // best effort, as libvirt: remove the partition again (only possible once it had a path)
            if (pendingPath != null) {
                try {
                    deleteVol(pool, request.withTargetPath(pendingPath), 0);
                } catch (RuntimeException ignored) {
                    // the creation error is the one to report
                }
            }
            throw e;
        }
    }

    /**
     * virStorageBackendCreateVolUsingQemuImg on the new partition: a block volume is raw to qemu-img, so this
     * is "qemu-img create -f luks" with the passphrase in a file, sized to the capacity less the header room.
     */
    private Vol luksFormat(PoolDefinition pool, Vol made) {
        VolumeDefinition def = made.def();
        def = def.withSizes(def.capacity() - LUKS_HEADER_BYTES, def.allocation() - LUKS_HEADER_BYTES);
        new LocalVolumeBuilder(runner, secrets.forPool(pool.name())).build(def.withTargetFormat("raw"), 0);
        return new Vol(def, made.partType());
    }

    /** virStorageBackendDiskPartFormat. */
    private static String partFormat(PoolDefinition pool, Live state, VolumeDefinition volume) {
        if (!usedFormatOrUnknown(pool).equals("dos")) {
            return "primary";
        }
        DiskPartitionFormat format = DiskPartitionFormat.fromXmlName(
                volume.targetFormat() == null ? "none" : volume.targetFormat()).orElseThrow(() -> VirException.of(
                        ErrorCode.INTERNAL_ERROR, ErrorDomain.STORAGE, "Invalid partition type"));
        boolean hasExtended = state.vols.stream().anyMatch(v -> v.partType() == Kind.EXTENDED);
        if (format == DiskPartitionFormat.EXTENDED) {
            if (hasExtended) {
                throw VirException.of(ErrorCode.INTERNAL_ERROR, ErrorDomain.STORAGE, "extended partition already exists");
            }
            return format.partedFsType();
        }
        if (partTypeToCreate(pool, state) == Kind.NORMAL) {
            return "primary " + format.partedFsType();
        }
        if (!hasExtended) {
            throw VirException.of(ErrorCode.INTERNAL_ERROR, ErrorDomain.STORAGE,
                    "no extended partition found and no primary partition available");
        }
        return "logical " + format.partedFsType();
    }

    /** The pool's format as libvirt holds it: a started pool's "unknown" became dos. */
    private static String usedFormatOrUnknown(PoolDefinition pool) {
        return pool.source().format().orElse("unknown");
    }

    /** virStorageBackendDiskPartTypeToCreate: logical once a dos label has 4 primary or extended partitions. */
    private static Kind partTypeToCreate(PoolDefinition pool, Live state) {
        if (usedFormatOrUnknown(pool).equals("dos")) {
            long count = state.vols.stream().filter(v -> v.partType() != Kind.LOGICAL).count();
            if (count >= 4) {
                return Kind.LOGICAL;
            }
        }
        return Kind.NORMAL;
    }

    /** virStorageBackendDiskPartBoundaries: first and last byte of the new partition. */
    private static long[] partBoundaries(PoolDefinition pool, Live state, long allocation) {
        boolean dos = usedFormatOrUnknown(pool).equals("dos");
        long cylinderSize = (long) state.heads * state.sectors * SECTOR_SIZE;
        Kind partType = partTypeToCreate(pool, state);
        long extraBytes = cylinderSize == 0 ? 0 : cylinderSize - Long.remainderUnsigned(allocation, cylinderSize);
        int smallest = -1;
        long smallestSize = 0;
        long alignedAllocation = allocation;
        for (int i = 0; i < state.free.size(); i++) {
            Free f = state.free.get(i);
            long size = f.end() - f.start();
            long neededSize = allocation;
            if (dos) {
                neededSize += extraBytes;
                if (cylinderSize != 0 && Long.remainderUnsigned(f.start(), cylinderSize) > extraBytes) {
                    neededSize += cylinderSize;
                }
                if (partType == Kind.LOGICAL) {
                    size -= SECTOR_SIZE;
                }
            }
            if (Long.compareUnsigned(size, neededSize) > 0
                    && (smallestSize == 0 || Long.compareUnsigned(size, smallestSize) < 0)) {
                if (partType == Kind.LOGICAL && !f.logical()) {
                    continue;
                } else if (partType == Kind.NORMAL && f.logical()) {
                    continue;
                }
                smallestSize = size;
                smallest = i;
                alignedAllocation = neededSize;
            }
        }
        if (smallest == -1) {
            throw VirException.of(ErrorCode.INTERNAL_ERROR, ErrorDomain.STORAGE, "no large enough free extent");
        }
        long start = state.free.get(smallest).start();
        if (partType == Kind.LOGICAL) {
            start += SECTOR_SIZE;
        }
        long end = start + alignedAllocation;
        if (dos && cylinderSize != 0) {
            end -= Long.remainderUnsigned(start, cylinderSize);
        }
        end -= 1;
        return new long[] {start, end};
    }

    /** virStorageBackendDiskDeleteVol: "parted DEV rm --script N", then the whole pool is read again. */
    @Override
    public void deleteVol(PoolDefinition pool, VolumeDefinition volume, int flags) {
        if (flags != 0) {
            throw VirException.unsupportedFlags(ErrorDomain.STORAGE, "virStorageBackendDiskDeleteVol", flags);
        }
        String srcPath = device(pool);
        if (volume.targetPath().isEmpty()) {
            throw VirException.of(ErrorCode.INVALID_ARG, ErrorDomain.STORAGE,
                    "volume target path empty for source path '%s'", srcPath);
        }
        String target = volume.targetPath().get();
        String srcName = Path.of(srcPath).getFileName().toString();
        boolean devMapper = isDevMapper(target);
        String devName;
        if (devMapper) {
            devName = Path.of(target).getFileName().toString();
        } else {
            try {
                devName = Path.of(target).toRealPath().getFileName().toString();
            } catch (IOException e) {
                throw SystemErrors.of(e, "Couldn't read volume target path '%s'", target);
            }
        }
        if (!devName.startsWith(srcName)) {
            throw VirException.of(ErrorCode.INTERNAL_ERROR, ErrorDomain.STORAGE,
                    "Volume path '%s' did not start with parent pool source device name.", devName);
        }
        String partNum = devName.substring(srcName.length());
        if (devMapper && partNum.startsWith("p")) {
            partNum = partNum.substring(1);
        }
        if (partNum.isEmpty()) {
            throw VirException.of(ErrorCode.INTERNAL_ERROR, ErrorDomain.STORAGE,
                    "cannot parse partition number from target '%s'", devName);
        }
        List<String> argv = List.of(PARTED, srcPath, "rm", "--script", partNum);
        runner.run(argv).requireSuccess(argv);
        Live state = state(pool);
        state.vols.clear();
        state.free.clear();
        waitForDevices();
        if (!Files.exists(Path.of(srcPath))) {
            throw VirException.of(ErrorCode.INVALID_ARG, ErrorDomain.STORAGE, "device path '%s' doesn't exist",
                    srcPath);
        }
        readPartitions(pool, state, null);
    }

    /** virStorageBackendDiskVolWipe: any partition but the extended one, as a local volume is wiped. */
    @Override
    public VolumeDefinition wipeVol(PoolDefinition pool, VolumeDefinition volume, int algorithm, int flags) {
        Live state = state(pool);
        boolean extended = state.vols.stream()
                .anyMatch(v -> v.partType() == Kind.EXTENDED && v.def().name().equals(volume.name()));
        if (extended) {
            throw VirException.of(ErrorCode.NO_SUPPORT, ErrorDomain.STORAGE, "cannot wipe extended partition '%s'",
                    volume.targetPath().orElse(""));
        }
        wiper.wipe(volume, algorithm, flags);
        return volume;
    }

    /** virWaitForDevices: "udevadm settle" when udevadm is installed. */
    private void waitForDevices() {
        find("udevadm").ifPresent(udevadm -> runner.run(List.of(udevadm, "settle")));
    }

    private static Optional<String> find(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            File f = new File(dir, name);
            if (f.canExecute()) {
                return Optional.of(f.getAbsolutePath());
            }
        }
        for (String dir : List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin")) {
            File f = new File(dir, name);
            if (f.canExecute()) {
                return Optional.of(f.getAbsolutePath());
            }
        }
        return Optional.empty();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
