package org.virtstoraged.storage.driver;

import java.nio.file.Path;
import org.virtstoraged.storage.AutostartMarker;
import org.virtstoraged.storage.StorageDriver;
import org.virtstoraged.storage.backend.BackendRegistry;
import org.virtstoraged.storage.state.PoolConfigStore;
import org.virtstoraged.storage.state.PoolStateStore;

/** Puts the driver together on its directories and runs libvirt's start-up sequence. */
public final class DriverFactory {
    private DriverFactory() {
    }

    public static StorageDriver open(Path configDir, Path autostartDir, Path stateDir, BackendRegistry backends) {
        DriverState state = new DriverState(backends, new PoolConfigStore(configDir, autostartDir),
                new PoolStateStore(stateDir));
        PoolDriver pools = new PoolDriver(state);
        VolumeDriver volumes = new VolumeDriver(state);
        pools.initialize(AutostartMarker.claim(stateDir));
        return new StorageDriver() {
            @Override
            public PoolDriver pools() {
                return pools;
            }

            @Override
            public VolumeDriver volumes() {
                return volumes;
            }

            @Override
            public org.virtstoraged.storage.event.PoolEventBus events() {
                return state.events;
            }

            @Override
            public void reload() {
                pools.reload();
            }
        };
    }
}
