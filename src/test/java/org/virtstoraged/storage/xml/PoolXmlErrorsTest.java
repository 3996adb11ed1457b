package org.virtstoraged.storage.xml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.VirException;

/**
 * Invalid pool XML (src/test/resources/pool-xml/invalid): each case carries the error code, domain and message
 * libvirt 9.0's virStoragePoolDefParseXML() and the helpers it calls report for it, i.e. what
 * "virsh pool-define" prints after "error: ".
 */
class PoolXmlErrorsTest {
    private static final int NONE = 0;
    private static final int XML = 5;
    private static final int STORAGE = 18;

    static Stream<Arguments> invalid() {
        return Stream.of(
                error("missing-name", ErrorCode.XML_ERROR, STORAGE, "XML error: missing pool source name element"),
                error("name-with-slash", ErrorCode.XML_ERROR, STORAGE, "XML error: name a/b cannot contain '/'"),
                error("malformed-uuid", ErrorCode.XML_ERROR, STORAGE, "XML error: malformed uuid element"),
                error("unknown-type", ErrorCode.XML_ERROR, XML,
                        "XML error: Invalid value for attribute 'type' in element 'pool': 'lvm'."),
                error("missing-type", ErrorCode.XML_ERROR, XML,
                        "XML error: Missing required attribute 'type' in element 'pool'"),
                error("wrong-root", ErrorCode.XML_ERROR, XML,
                        "XML error: expecting root element of 'pool', not 'volume'"),
                error("disk-without-device", ErrorCode.XML_ERROR, STORAGE,
                        "XML error: missing storage pool source device name"),
                error("fs-without-source", ErrorCode.XML_ERROR, STORAGE,
                        "XML error: missing storage pool source device name"),
                error("netfs-without-host", ErrorCode.XML_ERROR, STORAGE,
                        "XML error: missing storage pool source host name"),
                error("netfs-without-dir", ErrorCode.XML_ERROR, STORAGE, "XML error: missing storage pool source path"),
                error("dir-without-target", ErrorCode.XML_ERROR, STORAGE, "XML error: missing storage pool target path"),
                error("bad-mode", ErrorCode.XML_ERROR, STORAGE, "XML error: malformed octal mode"),
                error("bad-owner", ErrorCode.XML_ERROR, STORAGE, "XML error: malformed owner element"),
                error("unknown-fs-format", ErrorCode.CONFIG_UNSUPPORTED, STORAGE,
                        "unsupported configuration: unknown pool format type zfs"),
                error("rbd-without-name", ErrorCode.XML_ERROR, STORAGE,
                        "XML error: element 'name' is mandatory for RBD pool"),
                error("host-without-name", ErrorCode.XML_ERROR, STORAGE, "XML error: missing storage pool host name"),
                error("bad-port", ErrorCode.XML_ERROR, XML,
                        "XML error: Invalid value for attribute 'port' in element 'host': 'iscsi'. Expected integer value"),
                error("device-without-path", ErrorCode.XML_ERROR, STORAGE,
                        "XML error: missing storage pool source device path"),
                error("bad-part-separator", ErrorCode.XML_ERROR, XML,
                        "XML error: Invalid value for attribute 'part_separator' in element 'device': 'maybe'."),
                error("auth-without-type", ErrorCode.CONFIG_UNSUPPORTED, STORAGE,
                        "unsupported configuration: storage pool missing auth type"),
                error("auth-unknown-type", ErrorCode.CONFIG_UNSUPPORTED, STORAGE,
                        "unsupported configuration: unknown auth type 'kerberos'"),
                error("auth-without-secret", ErrorCode.XML_ERROR, STORAGE, "XML error: Missing <secret> element in auth"),
                error("auth-bad-secret-uuid", ErrorCode.XML_ERROR, NONE, "XML error: invalid secret uuid 'xyz'"),
                error("protocol-with-cifs", ErrorCode.CONFIG_UNSUPPORTED, STORAGE,
                        "unsupported configuration: storage pool protocol ver unsupported for pool type 'cifs'"),
                error("protocol-with-comma", ErrorCode.XML_DETAIL, STORAGE,
                        "storage pool protocol ver '4,sec=krb5' must not contain ','"),
                error("cow-on-netfs", ErrorCode.NO_SUPPORT, STORAGE,
                        "this function is not supported by the connection driver: "
                                + "cow feature may only be used for 'fs' and 'dir' pools"),
                error("cow-bad-state", ErrorCode.XML_ERROR, XML,
                        "XML error: Invalid value for attribute 'state' in element 'cow': 'off'."),
                error("scsi-without-adapter", ErrorCode.XML_ERROR, STORAGE,
                        "XML error: missing storage pool source adapter"),
                error("fc-host-without-wwpn", ErrorCode.XML_ERROR, STORAGE,
                        "XML error: 'wwnn' and 'wwpn' must be specified for adapter type 'fchost'"),
                error("fc-host-malformed-wwn", ErrorCode.INTERNAL_ERROR, NONE,
                        "internal error: Malformed wwn: 10000000c983"),
                error("scsi-host-name-and-parent", ErrorCode.XML_ERROR, STORAGE,
                        "XML error: Both 'name' and 'parent' cannot be specified for the 'scsi_host' adapter"),
                error("scsi-host-without-unique-id", ErrorCode.XML_ERROR, STORAGE,
                        "XML error: Missing or invalid scsi adapter 'unique_id' value"),
                error("scsi-host-bad-slot", ErrorCode.XML_ERROR, NONE,
                        "XML error: Invalid PCI address slot='0x20', must be <= 0x1F"),
                error("legacy-adapter-with-wwnn", ErrorCode.XML_ERROR, STORAGE,
                        "XML error: Use of 'wwnn', 'wwpn', and 'parent' attributes requires use of the adapter 'type'"),
                error("adapter-type-default", ErrorCode.XML_ERROR, XML,
                        "XML error: Invalid value for attribute 'type' in element 'adapter': 'default'."),
                error("iscsi-direct-without-iqn", ErrorCode.CONFIG_UNSUPPORTED, STORAGE,
                        "unsupported configuration: missing initiator IQN"),
                error("refresh-unknown-allocation", ErrorCode.CONFIG_UNSUPPORTED, STORAGE,
                        "unsupported configuration: unknown storage pool volume refresh allocation type sparse"),
                error("mount-option-without-name", ErrorCode.XML_ERROR, STORAGE,
                        "XML error: no fs mount option name specified"),
                error("rbd-option-empty-value", ErrorCode.XML_ERROR, STORAGE,
                        "XML error: empty rbd option value specified for name 'rados_osd_op_timeout'"));
    }

    private static Arguments error(String file, ErrorCode code, int domain, String message) {
        return Arguments.of(file, code, domain, message);
    }

    static String document(String name) throws IOException {
        try (InputStream in = PoolXmlErrorsTest.class.getResourceAsStream("/pool-xml/invalid/" + name + ".xml")) {
            if (in == null) {
                throw new IllegalStateException("missing test document " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void reportsLibvirtsError(String file, ErrorCode code, int domain, String message) throws IOException {
        String xml = document(file);
        VirException e = assertThrows(VirException.class, () -> PoolXml.parse(xml));
        assertEquals(message, e.getMessage());
        assertEquals(code, e.code());
        assertEquals(domain, e.domain());
    }

    /** Input ending inside a start tag, worded as libvirtd 9.0 (libxml2) words it (measured with python3-libvirt). */
    @Test
    void inputEndingInsideAStartTag() {
        Map<String, String> said = new LinkedHashMap<>();
        said.put("<pool type='dir'><name", "(storage_pool_definition):1: Couldn't find end of Start Tag name line 1\n"
                + "<pool type='dir'><name\n----------------------^");
        said.put("<pool type='dir'><name a='x' ", "(storage_pool_definition):1: Couldn't find end of Start Tag name"
                + " line 1\n<pool type='dir'><name a='x' \n-----------------------------^");
        said.put("<pool type='dir'>\n<name\n", "(storage_pool_definition):3: Couldn't find end of Start Tag name"
                + " line 2\n(null)\n^");
        // an element closed, then the input ends inside the next open one: libxml2's other wording
        said.put("<pool type='dir'><name>x</name>", "(storage_pool_definition):1: Premature end of data in tag pool"
                + " line 1\n<pool type='dir'><name>x</name>\n-------------------------------^");
        said.forEach((xml, message) -> assertEquals(message,
                assertThrows(VirException.class, () -> PoolXml.parse(xml)).getMessage(), xml));
    }

    @Test
    void notWellFormedIsAParserErrorNamingTheDocument() throws IOException {
        String xml = document("not-well-formed");
        VirException e = assertThrows(VirException.class, () -> PoolXml.parse(xml));
        assertEquals(ErrorCode.XML_DETAIL, e.code());
        assertEquals(STORAGE, e.domain());
        assertTrue(e.getMessage().startsWith("(storage_pool_definition):"), e.getMessage());
    }
}
