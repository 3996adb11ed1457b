package org.virtstoraged.storage.driver;

import java.lang.reflect.Field;
import org.virtstoraged.storage.StorageDriver;

/** The driver's shared state, which no API shows: async-job counters, lock states, pools' volumes (tests only). */
final class DriverStates {
    private DriverStates() {
    }

    static DriverState of(StorageDriver driver) {
        try {
            Field f = PoolDriver.class.getDeclaredField("state");
            f.setAccessible(true);
            return (DriverState) f.get(driver.pools());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot reach the driver's state", e);
        }
    }
}
