package org.virtstoraged.storage.backend.rbd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.virtstoraged.storage.backend.rbd.RadosSettings.Setting;
import org.virtstoraged.storage.model.PoolDefinition;
import org.virtstoraged.storage.model.PoolHost;
import org.virtstoraged.storage.xml.PoolXml;

/** The rados_conf_set calls libvirt's virStorageBackendRBDOpenRADOSConn makes, built from pool XML. */
class RadosSettingsTest {
    private static final String AUTH = "<auth type='ceph' username='libvirt'>"
            + "<secret uuid='2ec115d7-3a88-3ceb-bc12-0ac909a6fd87'/></auth>";

    private static PoolDefinition pool(String sourceExtra, String poolExtra) {
        return PoolXml.parse("<pool type='rbd' xmlns:rbd='http://libvirt.org/schemas/storagepool/rbd/1.0'>"
                + "<name>ceph</name><source><name>rbdpool</name>"
                + "<host name='127.0.0.1' port='6789'/><host name='127.0.0.2'/>" + sourceExtra + "</source>"
                + poolExtra + "</pool>");
    }

    @Test
    void withCephxTheKeyComesFirstThenAuthMonitorsTimeoutsAndFormat() {
        PoolDefinition def = pool(AUTH, "");
        assertEquals(List.of(new Setting("key", "QUJD"), new Setting("auth_supported", "cephx"),
                new Setting("mon_host", "127.0.0.1:6789,127.0.0.2,"), new Setting("client_mount_timeout", "30"),
                new Setting("rados_mon_op_timeout", "30"), new Setting("rados_osd_op_timeout", "30"),
                new Setting("rbd_default_format", "2")), RadosSettings.of(def, "QUJD"));
        assertEquals("libvirt", RadosSettings.clientId(def));
    }

    @Test
    void withoutAuthNoKeyAndAuthNoneAndTheDefaultClient() {
        PoolDefinition def = pool("", "");
        List<Setting> settings = RadosSettings.of(def, null);
        assertEquals(new Setting("auth_supported", "none"), settings.get(0));
        assertFalse(settings.stream().anyMatch(Setting::isSecret));
        assertNull(RadosSettings.clientId(def));
    }

    @Test
    void configOptionsComeLastInTheirOrderSoTheyOverrideOurs() {
        PoolDefinition def = pool("", "<rbd:config_opts><rbd:option name='client_mount_timeout' value='5'/>"
                + "<rbd:option name='rbd_cache' value='false'/></rbd:config_opts>");
        List<Setting> settings = RadosSettings.of(def, null);
        assertEquals(List.of(new Setting("client_mount_timeout", "5"), new Setting("rbd_cache", "false")),
                settings.subList(settings.size() - 2, settings.size()));
    }

    @Test
    void monitorListEndsWithACommaAndBracketsNumericIpv6Only() {
        assertEquals("127.0.0.1:3300,[::1]:6789,mon.example:6789,[2001:db8::5]:1,host,::1,",
                RadosSettings.monHost(List.of(new PoolHost("127.0.0.1", 3300), new PoolHost("::1", 6789),
                        new PoolHost("mon.example", 6789), new PoolHost("2001:db8::5", 1), new PoolHost("host", 0),
                        new PoolHost("::1", 0))));
        assertEquals("", RadosSettings.monHost(List.of()));
        // not numeric for getaddrinfo(AI_NUMERICHOST): written as given
        assertEquals("[::1]:6789,", RadosSettings.monHost(List.of(new PoolHost("[::1]", 6789))));
        assertTrue(RadosSettings.isNumericIpv6("::ffff:127.0.0.1"));
        assertFalse(RadosSettings.isNumericIpv6("127.0.0.1"));
    }

    @Test
    void theKeyNeverShowsInToString() {
        Setting key = new Setting("key", "QVFBZ0toWnJENlRiS1JBQQ==");
        assertEquals("key=<hidden>", key.toString());
        assertEquals("mon_host=127.0.0.1:1,", new Setting("mon_host", "127.0.0.1:1,").toString());
    }
}
