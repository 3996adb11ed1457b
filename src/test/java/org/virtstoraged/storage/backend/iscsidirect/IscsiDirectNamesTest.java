package org.virtstoraged.storage.backend.iscsidirect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.VirException;
import org.virtstoraged.storage.model.PoolHost;
import org.virtstoraged.storage.model.PoolSource;
import org.virtstoraged.storage.model.PoolSourceDevice;

/** Portal, volume names, keys and the LUN of a name, as libvirt 9.0's iscsi-direct backend makes them. */
class IscsiDirectNamesTest {
    static PoolSource source(List<PoolHost> hosts, String device) {
        PoolSource.Builder b = PoolSource.builder().hosts(hosts);
        if (device != null) {
            b.devices(List.of(new PoolSourceDevice(device)));
        }
        return b.build();
    }

    @Test
    void portalHasTheDefaultPortAndBracketsOnlyWithAPort() {
        assertEquals("127.0.0.1:3260", IscsiDirectNames.portal(source(List.of(new PoolHost("127.0.0.1", 0)), "t")));
        assertEquals("127.0.0.1:3301", IscsiDirectNames.portal(source(List.of(new PoolHost("127.0.0.1", 3301)), "t")));
        assertEquals("[::1]:3301", IscsiDirectNames.portal(source(List.of(new PoolHost("::1", 3301)), "t")));
        // libvirt's quirk: no brackets without a port
        assertEquals("::1:3260", IscsiDirectNames.portal(source(List.of(new PoolHost("::1", 0)), "t")));
        VirException e = assertThrows(VirException.class, () -> IscsiDirectNames.portal(
                source(List.of(new PoolHost("127.0.0.1", 1), new PoolHost("127.0.0.2", 1)), "t")));
        assertEquals(ErrorCode.CONFIG_UNSUPPORTED, e.code());
        assertEquals("unsupported configuration: Expected exactly 1 host for the storage pool", e.getMessage());
    }

    @Test
    void aPoolWithoutDevicePathIsRefused() {
        assertEquals("iqn.x:t", IscsiDirectNames.target(source(List.of(new PoolHost("h", 0)), "iqn.x:t")));
        VirException e = assertThrows(VirException.class,
                () -> IscsiDirectNames.target(source(List.of(new PoolHost("h", 0)), null)));
        assertEquals(ErrorCode.INTERNAL_ERROR, e.code());
        assertEquals("internal error: missing source device", e.getMessage());
        PoolSource two = PoolSource.builder().hosts(List.of(new PoolHost("h", 0)))
                .devices(List.of(new PoolSourceDevice("iqn.x:first"), new PoolSourceDevice("iqn.x:second"))).build();
        assertEquals("iqn.x:first", IscsiDirectNames.target(two));
    }

    @Test
    void volumeNameKeyAndLun() {
        assertEquals("unit:0:0:7", IscsiDirectNames.volumeName(7));
        assertEquals("ip-127.0.0.1:3260-iscsi-iqn.2026-12.org.example:storage-lun-2",
                IscsiDirectNames.volumeKey("127.0.0.1:3260", "iqn.2026-12.org.example:storage", 2));
        assertEquals(2, IscsiDirectNames.lun("unit:0:0:2"));
        assertEquals(16383, IscsiDirectNames.lun("unit:0:0:16383"));
        for (String bad : List.of("unit:0:0:", "unit:0:0:2x", "lun2", "unit:0:1:2")) {
            VirException e = assertThrows(VirException.class, () -> IscsiDirectNames.lun(bad));
            assertEquals("internal error: Invalid volume name " + bad, e.getMessage());
        }
    }
}
