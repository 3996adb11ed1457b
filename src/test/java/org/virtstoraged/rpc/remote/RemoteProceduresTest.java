package org.virtstoraged.rpc.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The procedure table against libvirt 9.0.0's src/remote/remote_protocol.x. The constants below were
 * determined from that file (443 procedures numbered 1..443 without gaps, the last
 * REMOTE_PROC_DOMAIN_FD_ASSOCIATE = 443), so the test does not need the file at run time.
 */
class RemoteProceduresTest {
    /** The number of REMOTE_PROC_* entries in libvirt 9.0.0's remote_protocol.x. */
    private static final int LIBVIRT_9_0_PROCEDURES = 443;
    /** The highest, and last, REMOTE_PROC_* number: REMOTE_PROC_DOMAIN_FD_ASSOCIATE. */
    private static final int LIBVIRT_9_0_LAST_PROCEDURE = 443;
    /**
     * SHA-256 of the lines "number TAB NAME LF" (NAME without REMOTE_PROC_), in number order, of every
     * procedure in libvirt 9.0.0's remote_protocol.x.
     */
    private static final String LIBVIRT_9_0_NAMES_SHA256 =
            "6595c2f082bcf5b96e205cf781c28c9d3d7c8adb961e3680a8cafa889b9c6dfc";

    private static final Path PROTOCOL_X =
            Path.of("/var/cache/libvirt-reference/libvirt-9.0.0/src/remote/remote_protocol.x");

    private static final Set<String> FAMILIES =
            Set.of("hypervisor", "storage", "secret", "network", "interface", "nodedev", "nwfilter");

    @Test
    void tableLoadsEveryProcedure() {
        assertEquals(LIBVIRT_9_0_PROCEDURES, RemoteProcedures.count());
    }

    @Test
    void numbersAreContiguousAndEndAtTheLastProcedure() {
        for (int n = 1; n <= LIBVIRT_9_0_LAST_PROCEDURE; n++) {
            assertTrue(RemoteProcedures.find(n).isPresent(), "procedure " + n + " missing");
            assertEquals(n, RemoteProcedures.find(n).get().number());
        }
        assertFalse(RemoteProcedures.find(0).isPresent());
        assertFalse(RemoteProcedures.find(-1).isPresent());
        assertFalse(RemoteProcedures.find(LIBVIRT_9_0_LAST_PROCEDURE + 1).isPresent());
        assertFalse(RemoteProcedures.find(9999).isPresent());
        assertEquals("DOMAIN_FD_ASSOCIATE", RemoteProcedures.find(LIBVIRT_9_0_LAST_PROCEDURE).get().name());
    }

    @Test
    void namesMatchLibvirt90Exactly() throws NoSuchAlgorithmException {
        StringBuilder sb = new StringBuilder();
        for (int n = 1; n <= LIBVIRT_9_0_LAST_PROCEDURE; n++) {
            sb.append(n).append('\t').append(RemoteProcedures.find(n).orElseThrow().name()).append('\n');
        }
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(sb.toString().getBytes(StandardCharsets.UTF_8));
        assertEquals(LIBVIRT_9_0_NAMES_SHA256, HexFormat.of().formatHex(digest));
    }

    @Test
    void matchesProtocolFileWhenPresent() throws IOException {
        if (!Files.isReadable(PROTOCOL_X)) {
            return; // the constants above already pin the table
        }
        Pattern p = Pattern.compile("^\\s*REMOTE_PROC_(\\w+)\\s*=\\s*(\\d+)", Pattern.MULTILINE);
        Matcher m = p.matcher(Files.readString(PROTOCOL_X));
        TreeMap<Integer, String> fromFile = new TreeMap<>();
        while (m.find()) {
            fromFile.put(Integer.parseInt(m.group(2)), m.group(1));
        }
        assertEquals(LIBVIRT_9_0_PROCEDURES, fromFile.size());
        assertEquals(LIBVIRT_9_0_LAST_PROCEDURE, fromFile.lastKey());
        assertEquals(fromFile.size(), RemoteProcedures.count());
        fromFile.forEach((n, name) -> assertEquals(name, RemoteProcedures.find(n).orElseThrow().name(), "proc " + n));
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', textBlock = """
            1   | CONNECT_OPEN                           | virConnectOpen                       | 0  | hypervisor
            2   | CONNECT_CLOSE                          | virConnectClose                      | 0  | hypervisor
            3   | CONNECT_GET_TYPE                       | virConnectGetType                    | 20 | hypervisor
            59  | CONNECT_GET_HOSTNAME                   | virConnectGetHostname                | 20 | hypervisor
            60  | CONNECT_SUPPORTS_FEATURE               | virConnectSupportsFeature            | 20 | hypervisor
            66  | AUTH_LIST                              | -                                    | 0  | hypervisor
            93  | STORAGE_VOL_CREATE_XML                 | virStorageVolCreateXML               | 18 | storage
            100 | STORAGE_VOL_GET_PATH                   | virStorageVolGetPath                 | 18 | storage
            113 | NODE_DEVICE_LOOKUP_BY_NAME             | virNodeDeviceLookupByName            | 22 | nodedev
            130 | INTERFACE_GET_XML_DESC                 | virInterfaceGetXMLDesc               | 26 | interface
            143 | SECRET_GET_XML_DESC                    | virSecretGetXMLDesc                  | 30 | secret
            148 | DOMAIN_MIGRATE_PREPARE_TUNNEL          | virDomainMigratePrepareTunnel        | 20 | hypervisor
            149 | CONNECT_IS_SECURE                      | virConnectIsSecure                   | 20 | hypervisor
            152 | NETWORK_IS_ACTIVE                      | virNetworkIsActive                   | 19 | network
            157 | CONNECT_GET_LIB_VERSION                | virConnectGetLibVersion              | 20 | hypervisor
            180 | NWFILTER_DEFINE_XML                    | virNWFilterDefineXML                 | 33 | nwfilter
            281 | CONNECT_LIST_ALL_STORAGE_POOLS         | virConnectListAllStoragePools        | 18 | storage
            283 | CONNECT_LIST_ALL_NETWORKS              | virConnectListAllNetworks            | 19 | network
            360 | CONNECT_REGISTER_CLOSE_CALLBACK        | virConnectRegisterCloseCallback      | 20 | hypervisor
            361 | CONNECT_UNREGISTER_CLOSE_CALLBACK      | virConnectUnregisterCloseCallback    | 20 | hypervisor
            368 | CONNECT_STORAGE_POOL_EVENT_REGISTER_ANY | virConnectStoragePoolEventRegisterAny | 18 | storage
            75  | CONNECT_FIND_STORAGE_POOL_SOURCES      | virConnectFindStoragePoolSources     | 18 | storage
            86  | STORAGE_POOL_LOOKUP_BY_VOLUME          | virStoragePoolLookupByVolume         | 18 | storage
            118 | NODE_DEVICE_DETTACH                    | virNodeDeviceDettach                 | 22 | hypervisor
            139 | CONNECT_NUM_OF_SECRETS                 | virConnectNumOfSecrets               | 30 | secret
            190 | DOMAIN_HAS_CURRENT_SNAPSHOT            | virDomainHasCurrentSnapshot          | 35 | hypervisor
            220 | INTERFACE_CHANGE_BEGIN                 | virInterfaceChangeBegin              | 26 | interface
            287 | CONNECT_LIST_ALL_SECRETS               | virConnectListAllSecrets             | 30 | secret
            301 | NODE_DEVICE_DETACH_FLAGS               | virNodeDeviceDetachFlags             | 22 | hypervisor
            403 | CONNECT_GET_STORAGE_POOL_CAPABILITIES  | virConnectGetStoragePoolCapabilities | 18 | storage
            443 | DOMAIN_FD_ASSOCIATE                    | virDomainFDAssociate                 | 20 | hypervisor
            """)
    void spotChecks(int number, String name, String api, int errorDomain, String family) {
        assertEquals(List.of(number, name, api, errorDomain, family), head(RemoteProcedures.find(number).orElseThrow()));
    }

    /**
     * gen-procedure-tables.py only recognises API definitions whose name starts the line, so functions
     * libvirt 9.0 defines as "int virX(...)" on one line come out as "-" with error domain 0, and an open
     * connection would report "this function is not supported by the connection driver: -".
     */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', textBlock = """
            390 | DOMAIN_SET_LIFECYCLE_ACTION      | virDomainSetLifecycleAction     | 20 | hypervisor
            396 | DOMAIN_GET_LAUNCH_SECURITY_INFO  | virDomainGetLaunchSecurityInfo  | 20 | hypervisor
            418 | DOMAIN_GET_GUEST_INFO            | virDomainGetGuestInfo           | 20 | hypervisor
            436 | NODE_DEVICE_IS_ACTIVE            | virNodeDeviceIsActive           | 22 | nodedev
            439 | DOMAIN_SET_LAUNCH_SECURITY_STATE | virDomainSetLaunchSecurityState | 20 | hypervisor
            """)
    void apisDefinedOnOneLine(int number, String name, String api, int errorDomain, String family) {
        assertEquals(List.of(number, name, api, errorDomain, family), head(RemoteProcedures.find(number).orElseThrow()));
    }

    private static List<Object> head(ProcedureInfo p) {
        return List.of(p.number(), p.name(), p.api(), p.errorDomain(), p.family());
    }

    /**
     * Who answers a procedure in libvirt's virtstoraged: a hand-written dispatcher, the library without a
     * driver (virConnectGetURI), a method of the storage driver, or nobody ("not supported").
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            1   | dispatcher | dispatcher
            3   | library    | yes
            4   | driver     | unsupported
            7   | driver     | yes
            59  | driver     | unsupported
            110 | library    | yes
            149 | driver     | yes
            150 | driver     | unsupported
            157 | library    | yes
            143 | driver     | no-connection
            283 | driver     | no-connection
            281 | driver     | yes
            368 | dispatcher | dispatcher
            370 | -          | -
            419 | dispatcher | dispatcher
            """)
    void whoAnswersInVirtstoraged(int number, String answeredBy, String virtstoraged) {
        ProcedureInfo p = RemoteProcedures.find(number).orElseThrow();
        assertEquals(answeredBy, p.answeredBy(), p.name());
        assertEquals(virtstoraged, p.virtstoraged(), p.name());
    }

    @Test
    void onlyAuthAndEventProceduresLackAnApi() {
        Set<Integer> known = Set.of(390, 396, 418, 436, 439); // see apisDefinedOnOneLine
        for (int n = 1; n <= LIBVIRT_9_0_LAST_PROCEDURE; n++) {
            ProcedureInfo info = RemoteProcedures.find(n).orElseThrow();
            if (info.api().equals("-") && !known.contains(n)) {
                assertTrue(info.name().startsWith("AUTH_") || info.name().contains("EVENT"), n + " " + info.name());
                assertEquals(0, info.errorDomain(), info.name());
            }
        }
    }

    @Test
    void everyProcedureHasAKnownFamilyAndSaneFields() {
        for (int n = 1; n <= LIBVIRT_9_0_LAST_PROCEDURE; n++) {
            ProcedureInfo info = RemoteProcedures.find(n).orElseThrow();
            assertTrue(FAMILIES.contains(info.family()), n + " family " + info.family());
            assertTrue(info.api().equals("-") || info.api().startsWith("vir"), n + " api " + info.api());
            assertTrue(info.errorDomain() >= 0, n + " domain " + info.errorDomain());
            assertFalse(info.name().startsWith("REMOTE_PROC_"), n + " name " + info.name());
        }
    }

    @Test
    void familiesFollowTheObjectKind() {
        for (int n = 1; n <= LIBVIRT_9_0_LAST_PROCEDURE; n++) {
            ProcedureInfo info = RemoteProcedures.find(n).orElseThrow();
            if (info.api().equals("-")) {
                continue; // events and auth steps
            }
            String name = info.name();
            if (name.startsWith("STORAGE_POOL_") || name.startsWith("STORAGE_VOL_")) {
                assertEquals("storage", info.family(), name);
                assertEquals(18, info.errorDomain(), name);
            } else if (name.startsWith("NETWORK_")) {
                assertEquals("network", info.family(), name);
                assertEquals(19, info.errorDomain(), name);
            } else if (name.startsWith("SECRET_")) {
                assertEquals("secret", info.family(), name);
                assertEquals(30, info.errorDomain(), name);
            } else if (name.startsWith("INTERFACE_")) {
                assertEquals("interface", info.family(), name);
                assertEquals(26, info.errorDomain(), name);
            } else if (name.startsWith("NODE_DEVICE_")) {
                // gendispatch.pl get_conn_method: detach/reattach/reset are served by the hypervisor driver.
                boolean virtDriver = name.equals("NODE_DEVICE_DETTACH") || name.equals("NODE_DEVICE_RE_ATTACH")
                        || name.equals("NODE_DEVICE_RESET") || name.equals("NODE_DEVICE_DETACH_FLAGS");
                assertEquals(virtDriver ? "hypervisor" : "nodedev", info.family(), name);
                assertEquals(22, info.errorDomain(), name);
            } else if (name.startsWith("NWFILTER_")) {
                assertEquals("nwfilter", info.family(), name);
                assertEquals(33, info.errorDomain(), name);
            } else if (name.startsWith("DOMAIN_") && !name.startsWith("DOMAIN_SNAPSHOT_")
                    && !name.startsWith("DOMAIN_CHECKPOINT_") && !name.startsWith("DOMAIN_EVENT")) {
                assertEquals("hypervisor", info.family(), name);
            }
        }
    }
}
