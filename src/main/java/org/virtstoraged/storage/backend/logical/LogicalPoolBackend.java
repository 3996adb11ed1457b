package org.virtstoraged.storage.backend.logical;

import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.ErrorDomain;
import org.virtstoraged.error.VirException;
import org.virtstoraged.storage.SystemErrors;
import org.virtstoraged.storage.backend.BuildFlags;
import org.virtstoraged.storage.backend.RefreshedPool;
import org.virtstoraged.storage.backend.StorageBackend;
import org.virtstoraged.storage.backend.local.FileStat;
import org.virtstoraged.storage.backend.local.LocalVolumeBuilder;
import org.virtstoraged.storage.backend.local.SecretFiles;
import org.virtstoraged.storage.backend.local.LocalVolumeWiper;
import org.virtstoraged.storage.backend.logical.LvmOutput.LvRow;
import org.virtstoraged.storage.command.CommandResult;
import org.virtstoraged.storage.command.CommandRunner;
import org.virtstoraged.storage.model.Permissions;
import org.virtstoraged.storage.model.PoolDefinition;
import org.virtstoraged.storage.model.PoolSourceDevice;
import org.virtstoraged.storage.model.PoolType;
import org.virtstoraged.storage.model.VolumeBackingStore;
import org.virtstoraged.storage.model.VolumeDefinition;
import org.virtstoraged.storage.model.VolumeEncryption;
import org.virtstoraged.storage.model.VolumeExtent;
import org.virtstoraged.storage.model.VolumeType;

/**
 * libvirt 9.0's "logical" backend (storage_backend_logical.c): an LVM volume group is the pool, its
 * logical volumes the volumes. Every lvm2 tool runs through the {@link CommandRunner} with libvirt's
 * exact argv, and its output is read with libvirt's patterns. Like libvirt 9.0 it has no volume resize
 * and no refreshVol (volume XML shows what the last pool refresh found).
 */
public final class LogicalPoolBackend implements StorageBackend {
    private static final Logger LOG = Logger.getLogger(LogicalPoolBackend.class);
    private static final int DEFAULT_VOL_MODE = 0600;
    private static final String EXTENT_UNIT = "(\\S+)\\((\\S+)\\)";

    private final CommandRunner runner;
    private final Optional<String> udevadm;
    private final SecretFiles secrets;
    private final LocalVolumeWiper wiper;
    /** target.sparse of the volumes (not in the XML, but it decides whether a wipe is allowed), by path. */
    private final Map<String, Boolean> sparse = new ConcurrentHashMap<>();

    public LogicalPoolBackend(CommandRunner runner, SecretFiles secrets) {
        this(runner, org.virtstoraged.storage.backend.local.ExecutableLocator.find("udevadm"), secrets);
    }

    public LogicalPoolBackend(CommandRunner runner, Optional<String> udevadm) {
        this(runner, udevadm, SecretFiles.NONE);
    }

    /**
     * @param udevadm the udevadm to run "settle" with, as libvirt finds it in PATH; empty: none
     * @param secrets where LUKS volumes get their passphrase
     */
    public LogicalPoolBackend(CommandRunner runner, Optional<String> udevadm, SecretFiles secrets) {
        this.runner = runner;
        this.udevadm = udevadm;
        this.secrets = secrets;
        this.wiper = new LocalVolumeWiper(runner);
    }

    @Override
    public PoolType type() {
        return PoolType.LOGICAL;
    }

    @Override
    public Set<Operation> operations() {
        return EnumSet.of(Operation.CHECK_POOL, Operation.BUILD_POOL, Operation.START_POOL, Operation.STOP_POOL,
                Operation.DELETE_POOL, Operation.FIND_POOL_SOURCES, Operation.CREATE_VOL, Operation.BUILD_VOL_FROM,
                Operation.DELETE_VOL, Operation.WIPE_VOL);
    }

    // ---- pools ---------------------------------------------------------------------------------

    /** Active when the target path exists and pvs shows the group (with one of the pool's devices). */
    @Override
    public boolean checkPool(PoolDefinition pool) {
        if (!new File(pool.targetPath().orElse("")).exists()) {
            return false;
        }
        try {
            requireMatchingSource(pool);
            return true;
        } catch (VirException e) {
            LOG.errorf("%s", e.getMessage());
            return false;
        }
    }

    @Override
    public void buildPool(PoolDefinition pool, int flags) {
        BuildFlags.check(flags, "virStorageBackendLogicalBuildPool");
        String vg = vgName(pool);
        List<String> devices = pool.source().devices().stream().map(PoolSourceDevice::path).toList();
        int initialised = 0;
        try {
            for (String device : devices) {
                if ((flags & BuildFlags.OVERWRITE) == 0) {
                    PhysicalDevice.requireEmpty(device);
                }
                PhysicalDevice.zeroPartitionTable(device);
                run(LvmCommands.pvcreate(device));
                initialised++;
            }
            run(LvmCommands.vgcreate(vg, devices));
        } catch (RuntimeException e) {
            // a device pvcreate ran on would need -ff at the next build: undo it
            for (String device : devices.subList(0, initialised)) {
                removeDevice(device);
            }
            throw e;
        }
    }

    @Override
    public void startPool(PoolDefinition pool) {
        requireMatchingSource(pool);
        run(LvmCommands.vgchange(vgName(pool), true));
    }

    @Override
    public RefreshedPool refreshPool(PoolDefinition pool) {
        waitForDevices();
        List<VolumeDefinition> volumes = findVolumes(pool, null);
        CommandResult vgs = run(LvmCommands.vgs(vgName(pool)));
        PoolDefinition measured = pool;
        for (String[] row : LvmOutput.vgs(vgs.stdout())) {
            long capacity = parseUnsigned(row[0]).orElseThrow(LogicalPoolBackend::unknownCause);
            long available = parseUnsigned(row[1]).orElseThrow(LogicalPoolBackend::unknownCause);
            measured = measured.withSizes(capacity, capacity - available, available);
        }
        return new RefreshedPool(measured, volumes);
    }

    @Override
    public void stopPool(PoolDefinition pool) {
        run(LvmCommands.vgchange(vgName(pool), false));
    }

    @Override
    public void deletePool(PoolDefinition pool, int flags) {
        if (flags != 0) {
            throw VirException.unsupportedFlags(ErrorDomain.STORAGE, "virStorageBackendLogicalDeletePool", flags);
        }
        run(LvmCommands.vgremove(vgName(pool)));
        for (PoolSourceDevice device : pool.source().devices()) {
            removeDevice(device.path());
        }
    }

    @Override
    public String findPoolSources(String sourceSpec, int flags) {
        if (flags != 0) {
            throw VirException.unsupportedFlags(ErrorDomain.STORAGE, "virStorageBackendLogicalFindPoolSources", flags);
        }
        return SourceListXml.format(poolSources());
    }

    /** vgscan (its failure only warned about), then pvs: each group with its PVs. */
    private Map<String, List<String>> poolSources() {
        List<String> vgscan = LvmCommands.vgscan();
        if (!runner.run(vgscan).succeeded()) {
            LOG.warn("Failure when running vgscan to refresh physical volumes");
        }
        return SourceListXml.groups(LvmOutput.pvs(run(LvmCommands.pvs()).stdout()));
    }

    /** virStorageBackendLogicalMatchPoolSource: the group exists and holds at least one of the pool's devices. */
    private void requireMatchingSource(PoolDefinition pool) {
        String vg = vgName(pool);
        List<String> pvs = poolSources().get(vg);
        if (pvs == null) {
            throw VirException.of(ErrorCode.CONFIG_UNSUPPORTED, ErrorDomain.STORAGE,
                    "cannot find logical volume group name '%s'", vg);
        }
        List<PoolSourceDevice> devices = pool.source().devices();
        if (devices.isEmpty()) {
            return;
        }
        long matches = 0;
        for (PoolSourceDevice device : devices) {
            matches += pvs.stream().filter(device.path()::equals).count();
        }
        if (matches == 0) {
            throw VirException.of(ErrorCode.CONFIG_UNSUPPORTED, ErrorDomain.STORAGE,
                    "cannot find any matching source devices for logical volume group '%s'", vg);
        }
        if (matches != devices.size()) {
            LOG.warn("pool device list count doesn't match pvs device list count");
        }
    }

    // ---- volumes -------------------------------------------------------------------------------

    /** virStorageBackendLogicalCreateVol: the LV is created here (libvirt's logical backend has no buildVol). */
    @Override
    public VolumeDefinition createVol(PoolDefinition pool, VolumeDefinition volume) {
        String path = pool.targetPath().orElseThrow() + "/" + volume.name();
        VolumeDefinition vol = volume.withType(VolumeType.BLOCK).withTargetPath(path);
        Optional<VolumeEncryption> encryption = vol.encryption();
        if (encryption.isPresent() && encryption.get().format() != VolumeEncryption.Format.LUKS) {
            throw VirException.of(ErrorCode.CONFIG_UNSUPPORTED, ErrorDomain.STORAGE,
                    "storage pool only supports LUKS encrypted volumes");
        }
        long allocation = vol.hasAllocation() ? vol.allocation() : vol.capacity();
        String backing = vol.backingStore().map(VolumeBackingStore::path).orElse(null);
        boolean isSparse = vol.capacity() != allocation;
        run(LvmCommands.lvcreate(vol.name(), vol.capacity(), allocation, encryption.isPresent(), backing,
                vgName(pool)));
        try {
            if (isSparse) {
                sparse.put(path, true);
            }
            if (encryption.isPresent()) {
                // virStorageBackendCreateVolUsingQemuImg: LUKS written onto the new LV by qemu-img
                new LocalVolumeBuilder(runner, secrets.forPool(pool.name())).build(vol.withTargetFormat("raw"), 0);
            }
            setOwnerAndMode(vol);
            List<VolumeDefinition> found = findVolumes(pool, vol);
            return found.isEmpty() ? vol : found.get(0);
        } catch (RuntimeException e) {
            try {
                deleteVol(pool, vol, 0);
            } catch (RuntimeException ignored) {
                // the creation error is the one to report
            }
            throw e;
        }
    }

    /** storageBackendCreateRaw & co. write into the LV createVol made; on failure the LV goes again. */
    @Override
    public void buildVolFrom(PoolDefinition pool, VolumeDefinition volume, VolumeDefinition input, int flags) {
        try {
            new LocalVolumeBuilder(runner, secrets.forPool(pool.name())).buildFrom(volume, input, flags);
        } catch (RuntimeException e) {
            try {
                deleteVol(pool, volume, 0);
            } catch (RuntimeException ignored) {
                // the copy error is the one to report
            }
            throw e;
        }
    }

    /** lvremove -f; when that fails, deactivate the LV (lvchange -aln) and try once more. */
    @Override
    public void deleteVol(PoolDefinition pool, VolumeDefinition volume, int flags) {
        if (flags != 0) {
            throw VirException.unsupportedFlags(ErrorDomain.STORAGE, "virStorageBackendLogicalDeleteVol", flags);
        }
        waitForDevices();
        String path = volume.targetPath().orElseThrow();
        List<String> lvremove = LvmCommands.lvremove(path);
        if (!runner.run(lvremove).succeeded()) {
            run(LvmCommands.lvchangeDeactivate(path));
            run(lvremove);
        }
        sparse.remove(path);
    }

    /** Wiping writes to the LV: a sparse (snapshot) LV would fill up and drop out, so libvirt refuses it. */
    @Override
    public VolumeDefinition wipeVol(PoolDefinition pool, VolumeDefinition volume, int algorithm, int flags) {
        String path = volume.targetPath().orElseThrow();
        if (sparse.getOrDefault(path, false)) {
            throw VirException.of(ErrorCode.NO_SUPPORT, ErrorDomain.STORAGE,
                    "logical volume '%s' is sparse, volume wipe not supported", path);
        }
        wiper.wipe(volume, algorithm, flags);
        return volume;
    }

    /** Whether the last refresh (or the creation) found the LV at {@code path} sparse. For tests. */
    boolean isSparse(String path) {
        return sparse.getOrDefault(path, false);
    }

    // ---- lvs -----------------------------------------------------------------------------------

    /**
     * virStorageBackendLogicalFindLVs: the active LVs of the group (thin pools left out), or only
     * {@code only} filled in from its rows. An LV with several segments has one row, and one extent, each.
     */
    private List<VolumeDefinition> findVolumes(PoolDefinition pool, VolumeDefinition only) {
        CommandResult lvs = run(LvmCommands.lvs(vgName(pool)));
        Map<String, VolumeDefinition> found = new LinkedHashMap<>();
        for (LvRow row : LvmOutput.lvs(lvs.stdout())) {
            String attr = row.attr();
            if (attr.length() < 5 || attr.charAt(4) != 'a' || attr.charAt(0) == 't') {
                continue;
            }
            if (only != null && !only.name().equals(row.name())) {
                continue;
            }
            VolumeDefinition vol = found.get(row.name());
            if (vol == null) {
                vol = only != null ? only : VolumeDefinition.builder(row.name()).type(VolumeType.BLOCK).build();
            }
            if (vol.targetPath().isEmpty()) {
                vol = vol.withTargetPath(pool.targetPath().orElseThrow() + "/" + vol.name());
            }
            String path = vol.targetPath().get();
            if (attr.charAt(0) == 's') {
                sparse.put(path, true);
            } else if (only == null && !found.containsKey(row.name())) {
                sparse.remove(path);
            }
            // an origin in brackets is lvm's internal virtual origin of a sparse LV: never a backing store
            if (!row.origin().isEmpty() && row.origin().charAt(0) != '[') {
                vol = vol.withBackingStore(new VolumeBackingStore(pool.targetPath().orElseThrow() + "/"
                        + row.origin(), null, null));
            }
            if (vol.key() == null) {
                vol = vol.withKey(row.uuid());
            }
            vol = withDeviceInfo(vol);
            long allocation = parseUnsigned(row.size()).orElseThrow(() -> internal(
                    "malformed volume allocation value"));
            vol = vol.withSizes(vol.capacity(), allocation);
            List<VolumeExtent> extents = new ArrayList<>(vol.extents());
            extents.addAll(extents(row));
            vol = vol.withExtents(extents);
            found.put(row.name(), vol);
        }
        return new ArrayList<>(found.values());
    }

    /** virStorageBackendLogicalParseVolExtents: "dev(first extent)" per stripe, in the devices column. */
    static List<VolumeExtent> extents(LvRow row) {
        int count = 1;
        String segtype = row.segtype();
        if (segtype.equals("striped") || segtype.equals("mirror") || segtype.startsWith("raid")) {
            count = parseInt(row.stripes()).orElseThrow(() -> internal("malformed volume extent stripes value"));
        }
        long length = parseUnsigned(row.segSize()).orElseThrow(() -> internal("malformed volume extent length value"));
        long size = parseUnsigned(row.extentSize()).orElseThrow(() -> internal("malformed volume extent size value"));
        StringBuilder regex = new StringBuilder(EXTENT_UNIT);
        for (int i = 1; i < count; i++) {
            regex.append(",").append(EXTENT_UNIT);
        }
        Matcher m = Pattern.compile(regex.toString()).matcher(row.devices());
        if (!m.find()) {
            throw internal("malformed volume extent devices value");
        }
        List<VolumeExtent> extents = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int j = i * 2 + 1;
            long offset = parseUnsigned(m.group(j + 1)).orElseThrow(() -> internal(
                    "malformed volume extent offset value"));
            extents.add(new VolumeExtent(m.group(j), offset * size, offset * size + length));
        }
        return extents;
    }

    /**
     * virStorageBackendUpdateVolInfo on the LV's device node: sizes (a block device's from its end), owner,
     * mode and times. A missing node is libvirt's "no storage vol with matching path".
     */
    private static VolumeDefinition withDeviceInfo(VolumeDefinition vol) {
        Path path = Path.of(vol.targetPath().orElseThrow());
        FileStat st = FileStat.of(path).orElseThrow(() -> VirException.of(
                ErrorCode.NO_STORAGE_VOL, ErrorDomain.STORAGE, "no storage vol with matching path '%s'", path));
        long capacity;
        long allocation;
        switch (st.kind()) {
            case REGULAR -> {
                capacity = st.size();
                allocation = st.allocation();
            }
            case DIRECTORY -> {
                capacity = 0;
                allocation = 0;
            }
            default -> {
                capacity = deviceEnd(path);
                allocation = capacity;
            }
        }
        return vol.withSizes(capacity, allocation).withPhysical(capacity).withTargetPermissions(st.permissions())
                .withTimestamps(st.timestamps());
    }

    private static long deviceEnd(Path path) {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            return ch.size();
        } catch (IOException e) {
            throw SystemErrors.of(e, "cannot open volume '%s'", path);
        }
    }

    /** The new LV's owner (when running as root) and mode (0600 unless the XML gave one). */
    private static void setOwnerAndMode(VolumeDefinition vol) {
        Path path = Path.of(vol.targetPath().orElseThrow());
        if (!Files.exists(path)) {
            throw VirException.of(ErrorCode.NO_STORAGE_VOL, ErrorDomain.STORAGE,
                    "no storage vol with matching path '%s'", path);
        }
        Permissions perms = vol.targetPermissions();
        if ("root".equals(System.getProperty("user.name"))) {
            try {
                if (perms.owner() != -1) {
                    Files.setAttribute(path, "unix:uid", (int) perms.owner());
                }
                if (perms.group() != -1) {
                    Files.setAttribute(path, "unix:gid", (int) perms.group());
                }
            } catch (IOException e) {
                throw SystemErrors.of(e, "cannot set file owner '%s'", path);
            }
        }
        int mode = perms.mode() == -1 ? DEFAULT_VOL_MODE : perms.mode();
        try {
            Files.setPosixFilePermissions(path, permissions(mode));
        } catch (IOException e) {
            throw SystemErrors.of(e, "cannot set file mode '%s'", path);
        }
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
                PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE,
                PosixFilePermission.GROUP_READ, PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
                PosixFilePermission.OWNER_READ};
        for (int bit = 0; bit < order.length; bit++) {
            if ((mode & (1 << bit)) != 0) {
                set.add(order[bit]);
            }
        }
        return set;
    }

    // ---- helpers -------------------------------------------------------------------------------

    private CommandResult run(List<String> argv) {
        return runner.run(argv).requireSuccess(argv);
    }

    /** virStorageBackendLogicalRemoveDevice: pvremove, its failure only logged. */
    private void removeDevice(String device) {
        if (!runner.run(LvmCommands.pvremove(device)).succeeded()) {
            LOG.infof("Failed to pvremove logical device '%s'", device);
        }
    }

    /** virWaitForDevices: "udevadm settle" when udevadm is installed, its outcome ignored. */
    private void waitForDevices() {
        udevadm.ifPresent(tool -> runner.run(List.of(tool, "settle")));
    }

    private static String vgName(PoolDefinition pool) {
        return pool.source().name().orElse(pool.name());
    }


    /** virStrToLong_ull: leading blanks allowed, nothing after the digits. */
    private static Optional<Long> parseUnsigned(String text) {
        try {
            return Optional.of(Long.parseUnsignedLong(text.stripLeading()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static Optional<Integer> parseInt(String text) {
        try {
            return Optional.of(Integer.parseInt(text.stripLeading()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static VirException internal(String message) {
        return VirException.of(ErrorCode.INTERNAL_ERROR, ErrorDomain.STORAGE, "%s", message);
    }

    /** A refresh callback that failed without reporting: virterror's generic message. */
    private static VirException unknownCause() {
        return VirException.of(ErrorCode.INTERNAL_ERROR, ErrorDomain.NONE, "%s",
                "An error occurred, but the cause is unknown");
    }
}
