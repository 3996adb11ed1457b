package org.virtstoraged.storage.xml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.virtstoraged.storage.model.Permissions;
import org.virtstoraged.storage.model.PoolDefinition;
import org.virtstoraged.storage.model.PoolFreeExtent;
import org.virtstoraged.storage.model.PoolSourceDevice;
import org.virtstoraged.storage.model.PoolType;

/** Valid pool XML (src/test/resources/pool-xml/valid): what libvirt keeps, fills in and ignores. */
class PoolXmlTest {
    private static String document(String name) throws IOException {
        try (InputStream in = PoolXmlTest.class.getResourceAsStream("/pool-xml/valid/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void aMissingUuidIsGeneratedAndSizesInTheDocumentAreIgnored() throws IOException {
        String xml = document("dir-no-uuid.xml");
        PoolDefinition a = PoolXml.parse(xml);
        PoolDefinition b = PoolXml.parse(xml);
        assertTrue(a.uuid().matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"), a.uuid());
        assertNotEquals(a.uuid(), b.uuid());
        assertEquals(a.withUuid(b.uuid()), b);
        assertEquals(a.withUuid(b.uuid()).hashCode(), b.hashCode());
        assertEquals(0, a.capacity());
        assertEquals(PoolType.DIR, a.type());
        assertEquals("/srv/images", a.targetPath().orElseThrow());
        assertEquals(new Permissions(0755, 107, -1, "system_u:object_r:virt_image_t:s0"), a.targetPermissions());
        // kept in the definition, but a dir pool writes no source device
        assertEquals(List.of(new PoolSourceDevice("/dev/ignored")), a.source().devices());
        assertTrue(PoolXml.format(a).contains("  <source>\n  </source>\n"));
        assertTrue(PoolXml.format(a).contains("      <mode>0755</mode>\n      <owner>107</owner>\n      <label>"));
    }

    @Test
    void sizesAndFreeExtentsFromARefreshAreWritten() throws IOException {
        PoolDefinition def = PoolXml.parse(document("disk-sized.xml"));
        assertEquals("sdb & co", def.name());
        PoolSourceDevice device = def.source().devices().get(0);
        assertEquals(Boolean.TRUE, device.partSeparator());
        def = def.withSizes(100027630080L, 100027597824L, 32256L).withSource(def.source().toBuilder()
                .devices(List.of(device.withFreeExtents(List.of(new PoolFreeExtent(370137600L, 567544320L)))))
                .build());
        assertEquals(document("disk-sized.out.xml"), PoolXml.format(def));
    }

    @Test
    void mountOptionsAreMatchedByNamespaceNotPrefix() throws IOException {
        PoolDefinition def = PoolXml.parse(document("fs-mount-options.xml"));
        assertEquals(List.of("noatime", "a<b"), def.mountOptions());
        assertEquals(Boolean.FALSE, def.cow().orElseThrow());
        assertEquals(document("fs-mount-options.out.xml"), PoolXml.format(def));
    }

    @Test
    void sourceNameAndTargetDefaultForLogicalPools() {
        PoolDefinition def = PoolXml.parse("<pool type='logical'><name>vg0</name></pool>");
        assertEquals("vg0", def.source().name().orElseThrow());
        assertEquals("lvm2", def.source().format().orElseThrow());
        assertEquals("/dev/vg0", def.targetPath().orElseThrow());
    }

    @Test
    void permissionsCanBeReplaced() {
        PoolDefinition def = PoolXml.parse("<pool type='dir'><name>d</name><target><path>/d</path></target></pool>");
        assertEquals(Permissions.UNSET, def.targetPermissions());
        String xml = PoolXml.format(def.withTargetPermissions(new Permissions(0711, 0, 0, null)));
        assertTrue(xml.contains("    <permissions>\n      <mode>0711</mode>\n      <owner>0</owner>\n"
                + "      <group>0</group>\n    </permissions>\n"), xml);
    }
}
