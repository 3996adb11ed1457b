package org.virtstoraged.storage;

import java.nio.file.Path;
import java.util.List;
import org.virtstoraged.storage.backend.BackendRegistry;
import org.virtstoraged.storage.backend.StorageBackend;
import org.virtstoraged.storage.driver.PoolDriver;
import org.virtstoraged.storage.driver.VolumeDriver;

/** libvirt's storage driver: its pool calls, its volume calls, and its start-up. */
public interface StorageDriver {
    PoolDriver pools();

    VolumeDriver volumes();

    /** The storage pool events the driver raises (lifecycle and refresh), as libvirt's storage driver. */
    org.virtstoraged.storage.event.PoolEventBus events();

    /** SIGHUP: re-read the definitions. */
    void reload();

    /**
     * Opens the driver on its directories (libvirt's configDir, autostartDir, stateDir), loads and
     * reconciles the pools, and autostarts them when this is the first start since boot.
     */
    static StorageDriver open(Path configDir, Path autostartDir, Path stateDir, List<StorageBackend> backends) {
        return org.virtstoraged.storage.driver.DriverFactory.open(configDir, autostartDir, stateDir,
                new BackendRegistry(backends));
    }
}
