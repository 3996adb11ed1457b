package org.virtstoraged.storage.backend.gluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.virtstoraged.error.VirException;
import org.virtstoraged.storage.xml.PoolXml;

/**
 * Volume keys and paths of gluster pools. The expected URIs are what libvirtd 9.0 answered on a real volume
 * (src/test/resources/e2e/libvirtd-9.0/gluster_transcript.json: 'a b:c.img' at the root, the port and a
 * subdirectory), and, for an IPv6 host and for the trailing slash, what libvirt's virURIFormat makes of them.
 */
class GlusterLocationTest {
    private static GlusterLocation of(String source) {
        return GlusterLocation.of(PoolXml.parse("<pool type='gluster'><name>p</name><source>" + source
                + "</source></pool>"));
    }

    @Test
    void rootOfTheVolume() {
        GlusterLocation loc = of("<host name='127.0.0.1'/><name>gv0</name>");
        assertEquals("/", loc.dir());
        assertEquals("gluster://127.0.0.1/gv0/", loc.uri());
        assertEquals("gluster://127.0.0.1/gv0/top.qcow2", loc.volumeUri("top.qcow2"));
        assertEquals("/top.qcow2", loc.pathOf("top.qcow2"));
    }

    @Test
    void nameEscapedAsLibxml2Does() {
        GlusterLocation loc = of("<host name='127.0.0.1'/><name>gv0</name><dir path='/'/>");
        assertEquals("gluster://127.0.0.1/gv0/a%20b%3Ac.img", loc.volumeUri("a b:c.img"));
        assertEquals("gluster://127.0.0.1/gv0/x;y@z&a=b+c$d,e-f_g.h!i~j*k'l(m)n",
                loc.volumeUri("x;y@z&a=b+c$d,e-f_g.h!i~j*k'l(m)n"));
        assertEquals("gluster://127.0.0.1/gv0/%25%3F%23%C3%A9", loc.volumeUri("%?#é"));
    }

    @Test
    void portAndSubdirectory() {
        GlusterLocation loc = of("<host name='127.0.0.1' port='24007'/><name>gv0</name><dir path='/sub'/>");
        assertEquals("/sub/", loc.dir());
        assertEquals("gluster://127.0.0.1:24007/gv0/sub/inner.img", loc.volumeUri("inner.img"));
        assertEquals("/sub/inner.img", loc.pathOf("inner.img"));
        assertEquals("/sub/", of("<host name='127.0.0.1'/><name>gv0</name><dir path='/sub/'/>").dir());
    }

    @Test
    void ipv6HostInBrackets() {
        assertEquals("gluster://[::1]:24007/gv0/", of("<host name='::1' port='24007'/><name>gv0</name>").uri());
    }

    @Test
    void definitionErrorsAsLibvirtReportsThem() {
        VirException slash = assertThrows(VirException.class, () -> of("<host name='127.0.0.1'/><name>gv0/sub</name>"));
        assertEquals("XML error: gluster pool name 'gv0/sub' must not contain /", slash.getMessage());
        VirException relative = assertThrows(VirException.class,
                () -> of("<host name='127.0.0.1'/><name>gv0</name><dir path='sub'/>"));
        assertEquals("XML error: gluster pool path 'sub' must start with /", relative.getMessage());
    }
}
