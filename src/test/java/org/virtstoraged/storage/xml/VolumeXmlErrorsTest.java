package org.virtstoraged.storage.xml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.VirException;
import org.virtstoraged.storage.model.PoolType;

/**
 * Invalid volume XML: each case carries the error code, error domain and message that libvirt 9.0 itself
 * reports for it (recorded from virStorageVolCreateXML on libvirt's test:///default driver).
 */
class VolumeXmlErrorsTest {
    private static final int NONE = 0;
    private static final int XML = 5;
    private static final int STORAGE = 18;

    private static String vol(String inner) {
        return "<volume><name>t</name>" + inner + "</volume>";
    }

    private static String target(String inner) {
        return vol("<capacity>1</capacity><target>" + inner + "</target>");
    }

    private static String luksSecret(String attributes) {
        return target("<encryption format='luks'><secret " + attributes + "/></encryption>");
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                Arguments.of(PoolType.DIR, "<volume><capacity>1</capacity></volume>",
                        ErrorCode.XML_ERROR, STORAGE, "XML error: missing volume name element"),
                Arguments.of(PoolType.DIR, "<volume><name></name><capacity>1</capacity></volume>",
                        ErrorCode.XML_ERROR, STORAGE, "XML error: missing volume name element"),
                Arguments.of(PoolType.DIR, "<volume xmlns='urn:x'><name>t</name><capacity>1</capacity></volume>",
                        ErrorCode.XML_ERROR, STORAGE, "XML error: missing volume name element"),
                Arguments.of(PoolType.DIR, "<volume type='foo'><name>t</name><capacity>1</capacity></volume>",
                        ErrorCode.CONFIG_UNSUPPORTED, STORAGE, "unsupported configuration: unknown volume type 'foo'"),
                Arguments.of(PoolType.DIR, vol(""),
                        ErrorCode.XML_ERROR, STORAGE, "XML error: missing capacity element"),
                Arguments.of(PoolType.DIR, vol("<capacity></capacity>"),
                        ErrorCode.XML_ERROR, STORAGE, "XML error: missing capacity element"),
                Arguments.of(PoolType.DIR, vol("<capacity>-1</capacity>"),
                        ErrorCode.XML_ERROR, STORAGE, "XML error: malformed capacity element"),
                Arguments.of(PoolType.DIR, vol("<capacity>10 </capacity>"),
                        ErrorCode.XML_ERROR, STORAGE, "XML error: malformed capacity element"),
                Arguments.of(PoolType.DIR, vol("<capacity>18446744073709551616</capacity>"),
                        ErrorCode.XML_ERROR, STORAGE, "XML error: malformed capacity element"),
                Arguments.of(PoolType.DIR, vol("<capacity>1</capacity><allocation>abc</allocation>"),
                        ErrorCode.XML_ERROR, STORAGE, "XML error: malformed capacity element"),
                Arguments.of(PoolType.DIR, vol("<capacity unit='xyz'>1</capacity>"),
                        ErrorCode.INVALID_ARG, NONE, "invalid argument: unknown suffix 'xyz'"),
                Arguments.of(PoolType.DIR, vol("<capacity unit='kiB '>1</capacity>"),
                        ErrorCode.INVALID_ARG, NONE, "invalid argument: unknown suffix 'kiB '"),
                Arguments.of(PoolType.DIR, vol("<capacity unit='E'>9</capacity>"),
                        ErrorCode.OVERFLOW, NONE, "numerical overflow: value too large: 9E"),
                Arguments.of(PoolType.DIR, vol("<capacity unit='EiB'>8</capacity>"),
                        ErrorCode.OVERFLOW, NONE, "numerical overflow: value too large: 8EiB"),
                Arguments.of(PoolType.DIR, vol("<capacity>9223372036854775808</capacity>"),
                        ErrorCode.OVERFLOW, NONE, "numerical overflow: value too large: 9223372036854775808"),
                Arguments.of(PoolType.DIR, target("<format type='foo'/>"),
                        ErrorCode.CONFIG_UNSUPPORTED, STORAGE, "unsupported configuration: unknown volume format type foo"),
                Arguments.of(PoolType.DIR, target("<format type='none'/>"),
                        ErrorCode.CONFIG_UNSUPPORTED, STORAGE,
                        "unsupported configuration: unknown volume format type none"),
                Arguments.of(PoolType.DISK, target("<format type='qcow2'/>"),
                        ErrorCode.CONFIG_UNSUPPORTED, STORAGE,
                        "unsupported configuration: unknown volume format type qcow2"),
                Arguments.of(PoolType.DIR,
                        vol("<capacity>1</capacity><backingStore><path>/x</path><format type='bar'/></backingStore>"),
                        ErrorCode.CONFIG_UNSUPPORTED, STORAGE, "unsupported configuration: unknown volume format type bar"),
                Arguments.of(PoolType.DIR, target("<permissions><mode>0999</mode></permissions>"),
                        ErrorCode.XML_ERROR, STORAGE, "XML error: malformed octal mode"),
                Arguments.of(PoolType.DIR, target("<permissions><mode>01777</mode></permissions>"),
                        ErrorCode.XML_ERROR, STORAGE, "XML error: malformed octal mode"),
                Arguments.of(PoolType.DIR, target("<permissions><owner></owner></permissions>"),
                        ErrorCode.XML_ERROR, STORAGE, "XML error: malformed owner element"),
                Arguments.of(PoolType.DIR, target("<permissions><owner>4294967296</owner></permissions>"),
                        ErrorCode.XML_ERROR, STORAGE, "XML error: malformed owner element"),
                Arguments.of(PoolType.DIR, target("<permissions><group>-2</group></permissions>"),
                        ErrorCode.XML_ERROR, STORAGE, "XML error: malformed group element"),
                Arguments.of(PoolType.DIR, target("<compat>1</compat>"),
                        ErrorCode.XML_ERROR, STORAGE, "XML error: forbidden characters in 'compat' attribute"),
                Arguments.of(PoolType.DIR, target("<compat>1.1.1</compat>"),
                        ErrorCode.XML_ERROR, STORAGE, "XML error: forbidden characters in 'compat' attribute"),
                Arguments.of(PoolType.DIR, target("<compat>4294967296.1</compat>"),
                        ErrorCode.XML_ERROR, STORAGE, "XML error: forbidden characters in 'compat' attribute"),
                Arguments.of(PoolType.DIR, target("<features><foo/></features>"),
                        ErrorCode.CONFIG_UNSUPPORTED, STORAGE, "unsupported configuration: unsupported feature foo"),
                Arguments.of(PoolType.DIR, target("<clusterSize>-1</clusterSize>"),
                        ErrorCode.XML_ERROR, XML,
                        "XML error: Invalid value '-1' for element or attribute './target/clusterSize'"),
                Arguments.of(PoolType.DIR, target("<clusterSize unit='k'>18446744073709551615</clusterSize>"),
                        ErrorCode.OVERFLOW, NONE, "numerical overflow: value too large: 18446744073709551615k"),
                Arguments.of(PoolType.DIR, target("<encryption/>"),
                        ErrorCode.XML_ERROR, STORAGE, "XML error: unknown volume encryption format"),
                Arguments.of(PoolType.DIR, target("<encryption format='foo'/>"),
                        ErrorCode.CONFIG_UNSUPPORTED, STORAGE,
                        "unsupported configuration: unknown volume encryption format type foo"),
                Arguments.of(PoolType.DIR, target("<encryption format='luks' engine='default'/>"),
                        ErrorCode.XML_ERROR, XML,
                        "XML error: Invalid value for attribute 'engine' in element 'encryption': 'default'."),
                Arguments.of(PoolType.DIR, luksSecret("uuid='f52a81b2-424e-490c-823d-6bd4235bc572'"),
                        ErrorCode.XML_ERROR, STORAGE, "XML error: unknown volume encryption secret type"),
                Arguments.of(PoolType.DIR, luksSecret("type='x' uuid='f52a81b2-424e-490c-823d-6bd4235bc572'"),
                        ErrorCode.CONFIG_UNSUPPORTED, STORAGE,
                        "unsupported configuration: unknown volume encryption secret type x"),
                Arguments.of(PoolType.DIR, luksSecret("type='passphrase'"),
                        ErrorCode.XML_ERROR, NONE, "XML error: missing secret uuid or usage attribute"),
                Arguments.of(PoolType.DIR, luksSecret("type='passphrase' uuid='x' usage='y'"),
                        ErrorCode.XML_ERROR, NONE, "XML error: either secret uuid or usage expected"),
                Arguments.of(PoolType.DIR, luksSecret("type='passphrase' uuid='f52a81b2424e490c823d6bd4235bc57'"),
                        ErrorCode.XML_ERROR, NONE, "XML error: invalid secret uuid 'f52a81b2424e490c823d6bd4235bc57'"),
                Arguments.of(PoolType.DIR, luksSecret("type='passphrase' uuid='f 52a81b2424e490c823d6bd4235bc572'"),
                        ErrorCode.XML_ERROR, NONE, "XML error: invalid secret uuid 'f 52a81b2424e490c823d6bd4235bc572'"),
                Arguments.of(PoolType.DIR, target("<encryption format='luks'><cipher size='256'/></encryption>"),
                        ErrorCode.XML_ERROR, STORAGE, "XML error: cipher info missing 'name' attribute"),
                Arguments.of(PoolType.DIR, target("<encryption format='luks'><cipher name='aes'/></encryption>"),
                        ErrorCode.XML_ERROR, XML, "XML error: Missing required attribute 'size' in element 'cipher'"),
                Arguments.of(PoolType.DIR,
                        target("<encryption format='luks'><cipher name='aes' size='4294967296'/></encryption>"),
                        ErrorCode.XML_ERROR, XML, "XML error: Invalid value for attribute 'size' in element 'cipher': "
                                + "'4294967296'. Expected non-negative integer value"),
                Arguments.of(PoolType.DIR, target("<encryption format='luks'><ivgen name='plain64'/></encryption>"),
                        ErrorCode.XML_ERROR, STORAGE, "XML error: ivgen element found, but cipher is missing"),
                Arguments.of(PoolType.DIR,
                        target("<encryption format='luks'><cipher name='aes' size='256'/><ivgen hash='x'/></encryption>"),
                        ErrorCode.XML_ERROR, STORAGE, "XML error: missing ivgen info name string"));
    }

    @ParameterizedTest(name = "[{index}] {4}")
    @MethodSource("invalid")
    void reportsLibvirtsError(PoolType pool, String xml, ErrorCode code, int domain, String message) {
        VirException e = assertThrows(VirException.class, () -> VolumeXml.parse(pool, xml, Set.of()));
        assertEquals(message, e.getMessage());
        assertEquals(code, e.code());
        assertEquals(domain, e.domain());
    }

    @Test
    void capacityMayBeLeftOutOnlyWhenTheOptionsAllowIt() {
        String backed = vol("<backingStore><path>/base.img</path></backingStore>");
        VirException e = assertThrows(VirException.class,
                () -> VolumeXml.parse(PoolType.DIR, backed, Set.of()));
        assertEquals("XML error: missing capacity element", e.getMessage());
        assertEquals(0, VolumeXml.parse(PoolType.DIR, backed, Set.of(VolumeXml.Option.OPT_CAPACITY)).capacity());

        String unbacked = vol("");
        e = assertThrows(VirException.class,
                () -> VolumeXml.parse(PoolType.DIR, unbacked, Set.of(VolumeXml.Option.OPT_CAPACITY)));
        assertEquals("XML error: missing capacity element", e.getMessage());
        assertEquals(0, VolumeXml.parse(PoolType.DIR, unbacked, Set.of(VolumeXml.Option.NO_CAPACITY)).capacity());
    }

    @Test
    void documentThatIsNotAVolumeIsRefused() {
        VirException e = assertThrows(VirException.class,
                () -> VolumeXml.parse(PoolType.DIR, "<pool><name>t</name></pool>", Set.of()));
        assertEquals("XML error: expecting root element of 'volume', not 'pool'", e.getMessage());
        assertEquals(ErrorCode.XML_ERROR, e.code());

        e = assertThrows(VirException.class,
                () -> VolumeXml.parse(PoolType.DIR, "<volume><name>t</name><capacity>1</capacity>", Set.of()));
        assertEquals(ErrorCode.XML_DETAIL, e.code());
        assertEquals(STORAGE, e.domain());
        assertTrue(e.getMessage().startsWith("(storage_volume_definition):1: "), e.getMessage());
    }
}
