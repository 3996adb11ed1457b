package org.virtstoraged.storage.driver;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.ErrorDomain;
import org.virtstoraged.error.VirException;
import org.virtstoraged.storage.PathSanitizer;
import org.virtstoraged.storage.PoolInfo;
import org.virtstoraged.storage.PoolRef;
import org.virtstoraged.storage.VolRef;
import org.virtstoraged.storage.backend.StorageBackend;
import org.virtstoraged.storage.backend.StorageBackend.Operation;
import org.virtstoraged.storage.event.PoolEvent;
import org.virtstoraged.storage.model.PoolDefinition;
import org.virtstoraged.storage.model.PoolType;
import org.virtstoraged.storage.pool.PoolListFilter;
import org.virtstoraged.storage.pool.PoolObject;
import org.virtstoraged.storage.state.StoredDefinition;
import org.virtstoraged.storage.xml.PoolCapabilitiesXml;
import org.virtstoraged.storage.xml.PoolXml;
import org.virtstoraged.storage.xml.StorageCapabilitiesXml;

/** The pool half of libvirt's storage driver (storage_driver.c): lifecycle, lookups, listing, start-up. */
public final class PoolDriver {
    private static final Logger LOG = Logger.getLogger(PoolDriver.class);
    static final int CREATE_WITH_BUILD = 1;
    static final int CREATE_WITH_BUILD_OVERWRITE = 2;
    static final int CREATE_WITH_BUILD_NO_OVERWRITE = 4;
    static final int BUILD_NO_OVERWRITE = 4;
    static final int BUILD_OVERWRITE = 8;
    static final int DEFINE_VALIDATE = 1;
    static final int XML_INACTIVE = 1;

    private final DriverState state;

    PoolDriver(DriverState state) {
        this.state = state;
    }

    // ---- start-up and reload -------------------------------------------------------------------

    /**
     * storageStateInitialize: pools with a state file were active; persistent definitions come from the
     * config directory; every pool whose backend still finds it is (re)activated and refreshed; then,
     * on the first start after boot, the autostart pools are started.
     */
    void initialize(boolean autostart) {
        state.states.removeLeftovers();
        state.configs.removeLeftovers();
        loadStates();
        loadConfigs();
        for (PoolObject pool : state.pools.all()) {
            pool.lock();
            try {
                if (!pool.isRemoved()) {
                    updateState(pool);
                }
            } finally {
                state.release(pool);
            }
        }
        if (autostart) {
            autostartAll();
        }
    }

    /** storageStateReload (SIGHUP): new and changed definitions are read again, autostart is re-run. */
    void reload() {
        loadStates();
        loadConfigs();
        autostartAll();
    }

    private void loadStates() {
        for (StoredDefinition stored : state.states.loadAll()) {
            try {
                PoolDefinition def = PoolXml.parse(stored.xml());
                String expected = stripXml(stored.file());
                if (!expected.equals(def.name())) {
                    LOG.errorf("internal error: Storage pool state file '%s' does not match pool name '%s'",
                            stored.file(), def.name());
                    continue;
                }
                PoolObject pool = state.pools.add(def, false, true);
                pool.setActive(true);
                state.release(pool);
            } catch (VirException e) {
                if (e.code() == ErrorCode.OPERATION_INVALID) {
                    // on SIGHUP every running pool is "already active": libvirtd's daemonErrorLogFilter
                    // lowers this code to debug level
                    LOG.debugf("cannot load storage pool state %s: %s", stored.file(), e.getMessage());
                } else {
                    LOG.errorf("cannot load storage pool state %s: %s", stored.file(), e.getMessage());
                }
            }
        }
    }

    private void loadConfigs() {
        for (StoredDefinition stored : state.configs.loadAll()) {
            try {
                PoolDefinition def = PoolXml.parseFile(stored.xml(), stored.file());
                if (!stripXml(stored.file()).equals(def.name())) {
                    LOG.errorf("XML error: Storage pool config filename '%s' does not match pool name '%s'",
                            stored.file(), def.name());
                    continue;
                }
                PoolObject pool = state.pools.add(def, false, false);
                pool.setConfigFile(stored.file());
                pool.setAutostart(state.configs.isAutostart(def.name(), stored.file()));
                state.release(pool);
            } catch (VirException e) {
                LOG.errorf("cannot load storage pool config %s: %s", stored.file(), e.getMessage());
            }
        }
    }

    private static String stripXml(Path file) {
        String name = file.getFileName().toString();
        return name.substring(0, name.length() - ".xml".length());
    }

    /** storagePoolUpdateStateCallback. */
    private void updateState(PoolObject pool) {
        Optional<StorageBackend> found = state.backends.find(pool.definition().type());
        if (found.isEmpty()) {
            LOG.errorf("internal error: Missing backend %d", pool.definition().type().number());
            return;
        }
        StorageBackend backend = found.get();
        boolean active = false;
        boolean wasActive = pool.isActive();
        if (backend.supports(Operation.CHECK_POOL)) {
            try {
                active = backend.checkPool(pool.definition(), wasActive);
            } catch (VirException e) {
                LOG.errorf("internal error: Failed to initialize storage pool '%s': %s", pool.name(), e.getMessage());
                state.states.delete(pool.name());
            }
        }
        if (wasActive && !active) {
            // libvirt says this only at debug level ("updating state of storage pool 'x' active=0"); like
            // libvirt we keep the state file, so the pool is active again once its target is back
            LOG.warnf("storage pool '%s' was active but its target %s is gone: marked inactive", pool.name(),
                    pool.definition().targetPath().orElse("(none)"));
        }
        if (active) {
            try {
                state.refresh(backend, pool);
            } catch (VirException e) {
                LOG.errorf("internal error: Failed to restart storage pool '%s': %s", pool.name(), e.getMessage());
                active = false;
            }
        }
        pool.setActive(active);
        if (!active) {
            state.becameInactive(pool);
        }
    }

    private void autostartAll() {
        for (PoolObject pool : state.pools.all()) {
            pool.lock();
            try {
                autostart(pool);
            } finally {
                state.release(pool);
            }
        }
    }

    private void autostart(PoolObject pool) {
        Optional<StorageBackend> backend = state.backends.find(pool.definition().type());
        if (pool.isRemoved() || backend.isEmpty() || !pool.isAutostart() || pool.isActive()) {
            return;
        }
        pool.setStarting(true);
        try {
            if (backend.get().supports(Operation.START_POOL)) {
                state.startPool(backend.get(), pool);
            }
            state.saveState(pool);
            state.refresh(backend.get(), pool);
            pool.setActive(true);
        } catch (VirException e) {
            LOG.errorf("internal error: Failed to autostart storage pool '%s': %s", pool.name(), e.getMessage());
        } finally {
            finishStarting(pool);
        }
    }

    private void finishStarting(PoolObject pool) {
        if (pool.isStarting()) {
            if (!pool.isActive()) {
                state.becameInactive(pool);
            }
            pool.setStarting(false);
        }
    }

    // ---- connection-level calls ----------------------------------------------------------------

    public String capabilities() {
        return StorageCapabilitiesXml.format(state.backends.types());
    }

    public String poolCapabilities(int flags) {
        Flags.check(flags, 0, "storageConnectGetStoragePoolCapabilities");
        return PoolCapabilitiesXml.format(state.backends.types());
    }

    // Listings and lookups read the list and each pool's volatile state: they never wait for a busy pool.

    public int numOfPools(boolean active) {
        return (int) state.pools.all().stream().filter(p -> p.isActive() == active).count();
    }

    public List<String> listPools(boolean active, int maxNames) {
        return state.pools.all().stream().filter(p -> p.isActive() == active).map(PoolObject::name)
                .limit(Math.max(0, maxNames)).toList();
    }

    public List<PoolRef> listAllPools(int flags) {
        Flags.check(flags, PoolListFilter.ALL, "storageConnectListAllStoragePools");
        return state.pools.all().stream().filter(p -> PoolListFilter.matches(p, flags)).map(PoolDriver::ref)
                .toList();
    }

    public String findPoolSources(String type, String sourceSpec, int flags) {
        PoolType poolType = PoolType.fromXmlName(type).orElseThrow(() -> VirException.of(ErrorCode.INTERNAL_ERROR,
                ErrorDomain.STORAGE, "unknown storage pool type %s", type));
        StorageBackend backend = state.backends.require(poolType);
        if (!backend.supports(Operation.FIND_POOL_SOURCES)) {
            throw VirException.of(ErrorCode.NO_SUPPORT, ErrorDomain.STORAGE,
                    "pool type '%s' does not support source discovery", type);
        }
        return backend.findPoolSources(sourceSpec, flags);
    }

    // ---- lookups -------------------------------------------------------------------------------

    public PoolRef lookupByName(String name) {
        return ref(state.poolByName(name));
    }

    public PoolRef lookupByUuid(UUID uuid) {
        return ref(state.poolByUuid(uuid));
    }

    public PoolRef lookupByVolume(VolRef volume) {
        return ref(state.poolByName(volume.pool()));
    }

    public PoolRef lookupByTargetPath(String path) {
        String clean = PathSanitizer.sanitize(path);
        return state.pools.find(p -> p.isActive()
                && p.definition().targetPath().map(clean::equals).orElse(false)).map(PoolDriver::ref)
                .orElseThrow(() -> path.equals(clean)
                        ? VirException.of(ErrorCode.NO_STORAGE_POOL, ErrorDomain.STORAGE,
                                "no storage pool with matching target path '%s'", path)
                        : VirException.of(ErrorCode.NO_STORAGE_POOL, ErrorDomain.STORAGE,
                                "no storage pool with matching target path '%s' (%s)", path, clean));
    }

    public boolean isActive(PoolRef ref) {
        return state.pool(ref).isActive();
    }

    public boolean isPersistent(PoolRef ref) {
        return state.pool(ref).isPersistent();
    }

    /** The sizes of the last refresh (the definition is replaced whole): no wait for a refresh under way. */
    public PoolInfo info(PoolRef ref) {
        PoolObject pool = state.pool(ref);
        state.backend(pool);
        PoolDefinition def = pool.definition();
        return new PoolInfo(pool.isActive() ? PoolInfo.RUNNING : PoolInfo.INACTIVE, def.capacity(),
                def.allocation(), def.available());
    }

    public String xmlDesc(PoolRef ref, int flags) {
        Flags.check(flags, XML_INACTIVE, "storagePoolGetXMLDesc");
        PoolObject pool = state.pool(ref);
        PoolDefinition def = (flags & XML_INACTIVE) != 0
                ? pool.pendingDefinition().orElse(pool.definition()) : pool.definition();
        return PoolXml.format(def);
    }

    public boolean autostart(PoolRef ref) {
        return state.pool(ref).isAutostart();
    }

    public void setAutostart(PoolRef ref, boolean autostart) {
        state.withPool(ref, pool -> {
            Path configFile = pool.configFile().orElseThrow(() -> VirException.of(ErrorCode.INTERNAL_ERROR,
                    ErrorDomain.STORAGE, "pool has no config file"));
            if (pool.isAutostart() != autostart) {
                if (autostart) {
                    state.configs.enableAutostart(pool.name(), configFile);
                } else {
                    state.configs.disableAutostart(pool.name());
                }
                pool.setAutostart(autostart);
            }
            return null;
        });
    }

    // ---- lifecycle -----------------------------------------------------------------------------

    public PoolRef create(String xml, int flags) {
        Flags.check(flags, CREATE_WITH_BUILD | CREATE_WITH_BUILD_OVERWRITE | CREATE_WITH_BUILD_NO_OVERWRITE,
                "storagePoolCreateXML");
        PoolDefinition def = PoolXml.parse(xml);
        StorageBackend backend = state.backends.require(def.type());
        PoolObject pool = state.pools.add(def, true, true);
        try {
            pool.setStarting(true);
            try {
                start(backend, pool, flags);
                state.lifecycleEvent(pool, PoolEvent.STARTED);
                return ref(pool);
            } finally {
                finishStarting(pool);
            }
        } finally {
            state.release(pool);
        }
    }

    public PoolRef define(String xml, int flags) {
        Flags.check(flags, DEFINE_VALIDATE, "storagePoolDefineXML");
        PoolDefinition def = PoolXml.parse(xml);
        int newline = def.name().indexOf('\n');
        if (newline >= 0) {
            throw VirException.of(ErrorCode.XML_DETAIL, ErrorDomain.STORAGE, "invalid char in name: \n");
        }
        // the pool this definition replaces, held so that what it had can be put back on failure
        PoolObject prior = state.pools.byUuid(def.uuid()).orElse(null);
        if (prior != null) {
            prior.lock();
        }
        try {
            boolean existed = prior != null && !prior.isRemoved();
            PoolDefinition previous = existed ? prior.definition() : null;
            PoolDefinition previousPending = existed ? prior.pendingDefinition().orElse(null) : null;
            PoolObject pool = state.pools.add(def, false, false);
            try {
                PoolDefinition toSave = pool.pendingDefinition().orElse(pool.definition());
                try {
                    pool.setConfigFile(state.configs.save(toSave.name(), UUID.fromString(toSave.uuid()),
                            PoolXml.format(toSave)));
                } catch (VirException e) {
                    // better than libvirt, which drops the pool here: put back what was there
                    if (!existed) {
                        pool.markRemoved();
                    } else {
                        pool.setDefinition(previous);
                        pool.setPendingDefinition(previousPending);
                    }
                    throw e;
                }
                state.lifecycleEvent(pool, PoolEvent.DEFINED);
                LOG.infof("Defining storage pool '%s'", def.name());
                return ref(pool);
            } finally {
                state.release(pool);
            }
        } finally {
            if (prior != null) {
                state.release(prior);
            }
        }
    }

    public void undefine(PoolRef ref) {
        state.withPool(ref, pool -> {
            if (pool.isActive()) {
                throw VirException.of(ErrorCode.OPERATION_INVALID, ErrorDomain.STORAGE,
                        "storage pool '%s' is still active", pool.name());
            }
            DriverState.requireNotStarting(pool);
            DriverState.requireNoAsyncJobs(pool);
            Path configFile = pool.configFile().orElseThrow(() -> VirException.of(ErrorCode.INTERNAL_ERROR,
                    ErrorDomain.STORAGE, "no config file for %s", pool.name()));
            try {
                state.configs.delete(configFile);
            } catch (IOException e) {
                throw VirException.of(ErrorCode.INTERNAL_ERROR, ErrorDomain.STORAGE, "cannot remove config for %s",
                        pool.name());
            }
            state.configs.removeAutostartQuietly(pool.name());
            state.lifecycleEvent(pool, PoolEvent.UNDEFINED);
            LOG.infof("Undefining storage pool '%s'", pool.name());
            pool.markRemoved();
            return null;
        });
    }

    public void start(PoolRef ref, int flags) {
        Flags.check(flags, CREATE_WITH_BUILD | CREATE_WITH_BUILD_OVERWRITE | CREATE_WITH_BUILD_NO_OVERWRITE,
                "storagePoolCreate");
        state.withPool(ref, pool -> {
            StorageBackend backend = state.backend(pool);
            DriverState.requireStopped(pool);
            pool.setStarting(true);
            try {
                LOG.infof("Starting up storage pool '%s'", pool.name());
                start(backend, pool, flags);
                state.lifecycleEvent(pool, PoolEvent.STARTED);
            } finally {
                finishStarting(pool);
            }
            return null;
        });
    }

    /** The common part of create and start: optional build, start, state file, refresh. */
    private void start(StorageBackend backend, PoolObject pool, int flags) {
        if (backend.supports(Operation.BUILD_POOL)) {
            int buildFlags = 0;
            if ((flags & CREATE_WITH_BUILD_OVERWRITE) != 0) {
                buildFlags = BUILD_OVERWRITE;
            } else if ((flags & CREATE_WITH_BUILD_NO_OVERWRITE) != 0) {
                buildFlags = BUILD_NO_OVERWRITE;
            }
            if (buildFlags != 0 || (flags & CREATE_WITH_BUILD) != 0) {
                backend.buildPool(pool.definition(), buildFlags);
            }
        }
        if (backend.supports(Operation.START_POOL)) {
            state.startPool(backend, pool);
        }
        state.saveState(pool);
        state.refresh(backend, pool);
        pool.setActive(true);
    }

    public void build(PoolRef ref, int flags) {
        state.withPool(ref, pool -> {
            StorageBackend backend = state.backend(pool);
            DriverState.requireStopped(pool);
            pool.setStarting(true);
            try {
                if (backend.supports(Operation.BUILD_POOL)) {
                    backend.buildPool(pool.definition(), flags);
                }
                state.lifecycleEvent(pool, PoolEvent.CREATED);
            } finally {
                state.becameInactive(pool);
                pool.setStarting(false);
            }
            return null;
        });
    }

    public void destroy(PoolRef ref) {
        state.withPool(ref, pool -> {
            StorageBackend backend = state.backend(pool);
            LOG.infof("Destroying storage pool '%s'", pool.name());
            DriverState.requireActive(pool);
            DriverState.requireNotStarting(pool);
            DriverState.requireNoAsyncJobs(pool);
            state.states.delete(pool.name());
            if (backend.supports(Operation.STOP_POOL)) {
                state.stopPool(backend, pool);
            }
            pool.clearVolumes();
            state.lifecycleEvent(pool, PoolEvent.STOPPED);
            pool.setActive(false);
            state.becameInactive(pool);
            return null;
        });
    }

    public void delete(PoolRef ref, int flags) {
        state.withPool(ref, pool -> {
            StorageBackend backend = state.backend(pool);
            LOG.infof("Deleting storage pool '%s'", pool.name());
            if (pool.isActive()) {
                throw VirException.of(ErrorCode.OPERATION_INVALID, ErrorDomain.STORAGE,
                        "storage pool '%s' is still active", pool.name());
            }
            DriverState.requireNotStarting(pool);
            DriverState.requireNoAsyncJobs(pool);
            state.states.delete(pool.name());
            if (!backend.supports(Operation.DELETE_POOL)) {
                throw VirException.of(ErrorCode.NO_SUPPORT, ErrorDomain.STORAGE, "pool does not support pool deletion");
            }
            backend.deletePool(pool.definition(), flags);
            state.lifecycleEvent(pool, PoolEvent.DELETED);
            return null;
        });
    }

    public void refresh(PoolRef ref, int flags) {
        Flags.check(flags, 0, "storagePoolRefresh");
        state.withPool(ref, pool -> {
            StorageBackend backend = state.backend(pool);
            DriverState.requireActive(pool);
            DriverState.requireNotStarting(pool);
            DriverState.requireNoAsyncJobs(pool);
            try {
                state.refresh(backend, pool);
            } catch (VirException e) {
                // a pool that cannot be refreshed is stopped: libvirt says so with a lifecycle event
                state.lifecycleEvent(pool, PoolEvent.STOPPED);
                pool.setActive(false);
                state.becameInactive(pool);
                throw e;
            }
            state.refreshEvent(pool);
            return null;
        });
    }

    // ---- helpers -------------------------------------------------------------------------------

    static PoolRef ref(PoolObject pool) {
        return new PoolRef(pool.name(), UUID.fromString(pool.definition().uuid()));
    }
}
