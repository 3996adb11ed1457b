package org.virtstoraged.storage.xml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.VirException;
import org.virtstoraged.storage.model.PoolType;

/**
 * Documents with a DOCTYPE, as libvirt 9.0 (libxml2 with XML_PARSE_NONET) takes them: the answers below were
 * recorded from libvirtd 9.0's virStorageVolCreateXML in a dir pool (python3-libvirt, 2026-12-07). External
 * DTDs and entities are never loaded; internal entities are expanded; loops and amplification are refused.
 */
class XmlDoctypeTest {
    private static final int STORAGE = 18;
    private static final String VOLUME = "<volume><name>%s</name><capacity>1024</capacity></volume>";

    @TempDir
    Path dir;

    private static String name(String xml) {
        return VolumeXml.parse(PoolType.DIR, xml, Set.of()).name();
    }

    private static VirException refused(String xml) {
        return assertThrows(VirException.class, () -> VolumeXml.parse(PoolType.DIR, xml, Set.of()));
    }

    @Test
    void aDoctypeIsAcceptedAndAnExternalSubsetNeverRead() {
        assertEquals("a.img", name("<!DOCTYPE volume>" + VOLUME.formatted("a.img")));
        // an address nothing listens on: libvirt does not fetch it, nor do we (the parse does not fail)
        assertEquals("b.img", name("<!DOCTYPE volume SYSTEM \"http://127.0.0.1:1/volume.dtd\">" + VOLUME.formatted("b.img")));
        assertEquals("c.img", name("<!DOCTYPE volume PUBLIC \"-//x//y\" \"file:///nonexistent.dtd\">"
                + VOLUME.formatted("c.img")));
        assertEquals("d.img", name("<!DOCTYPE volume [<!ELEMENT volume ANY>]>" + VOLUME.formatted("d.img")));
    }

    @Test
    void internalEntitiesAreExpanded() {
        assertEquals("ent.img", name("<!DOCTYPE volume [<!ENTITY n \"ent.img\">]>" + VOLUME.formatted("&n;")));
    }

    @Test
    void externalEntitiesExpandToNothing() throws Exception {
        Path secret = Files.writeString(dir.resolve("name"), "leaked.img");
        VirException e = refused("<!DOCTYPE volume [<!ENTITY x SYSTEM \"" + secret.toUri() + "\">]>"
                + VOLUME.formatted("&x;"));
        assertEquals("XML error: missing volume name element", e.getMessage());
        assertEquals(ErrorCode.XML_ERROR, e.code());
        assertEquals(STORAGE, e.domain());
        // nor a parameter entity: its declarations would otherwise define the name
        assertEquals("e.img", name("<!DOCTYPE volume [<!ENTITY % p SYSTEM \"" + secret.toUri() + "\"> %p;]>"
                + VOLUME.formatted("e.img")));
    }

    @Test
    void anEntityLoopIsRefusedInLibxml2sWords() {
        VirException e = refused("<!DOCTYPE volume [<!ENTITY a \"&b;\"><!ENTITY b \"&a;\">]>" + VOLUME.formatted("&a;"));
        assertEquals("at line 1: Detected an entity reference loop\n&a;\n---^", e.getMessage());
        assertEquals(ErrorCode.XML_DETAIL, e.code());
        assertEquals(STORAGE, e.domain());
    }

    @Test
    void anExpansionBombIsRefusedAsALoop() {
        StringBuilder subset = new StringBuilder("<!ENTITY a \"aaaaaaaaaa\">");
        for (char c = 'b'; c <= 'g'; c++) {
            subset.append("<!ENTITY ").append(c).append(" \"").append(("&" + (char) (c - 1) + ";").repeat(10)).append("\">");
        }
        // 10^6 characters: libvirt says "at line 1: Detected an entity reference loop" and shows the text of the
        // entity it was expanding; Java's parser does not name that entity, so the document's line is shown
        VirException e = refused("<!DOCTYPE volume [" + subset + "]>" + VOLUME.formatted("&g;"));
        assertEquals(ErrorCode.XML_DETAIL, e.code());
        assertEquals(STORAGE, e.domain());
        assertEquals("at line 1: Detected an entity reference loop", e.getMessage().lines().findFirst().orElseThrow());
    }

    @Test
    void anUndeclaredEntityIsNamedAsLibxml2Does() {
        VirException e = refused(VOLUME.formatted("&nope;"));
        assertEquals("(storage_volume_definition):1: Entity 'nope' not defined\n"
                + "<volume><name>&nope;</name><capacity>1024</capacity></volume>\n"
                + "--------------------^", e.getMessage());
        assertEquals(ErrorCode.XML_DETAIL, e.code());
    }
}
