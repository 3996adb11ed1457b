package org.virtstoraged.storage.xml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.virtstoraged.storage.model.PoolDefinition;

/**
 * Every case of libvirt 9.0's tests/storagepoolxml2xmltest.c (all backends built in, so the fs and rbd
 * namespace cases too): the pool XML parsed and written out again must equal libvirt's expected output byte
 * for byte. Every input of the corpus carries its uuid, so no output depends on a generated one.
 */
class PoolXmlCorpusTest {
    private static final Path LIBVIRT = Path.of("/var/cache/libvirt-reference/libvirt-9.0.0");
    private static final Pattern CASE = Pattern.compile("DO_TEST\\(\"([^\"]+)\"\\)");

    static Stream<String> cases() throws IOException {
        String driver = Files.readString(tests().resolve("storagepoolxml2xmltest.c"));
        List<String> cases = new ArrayList<>();
        Matcher m = CASE.matcher(driver.substring(driver.indexOf("mymain")));
        while (m.find()) {
            cases.add(m.group(1));
        }
        assertTrue(cases.size() >= 38, "expected the 38 cases of libvirt 9.0, found " + cases.size());
        return cases.stream();
    }

    private static Path tests() {
        Path tests = LIBVIRT.resolve("tests");
        if (!Files.isRegularFile(tests.resolve("storagepoolxml2xmltest.c"))) {
            throw new IllegalStateException("libvirt 9.0.0 source not found at " + LIBVIRT
                    + "; unpack it with: bash src/test/scripts/libvirt-source.sh");
        }
        return tests;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void parseThenFormatGivesLibvirtsOutput(String name) throws IOException {
        Path tests = tests();
        String in = Files.readString(tests.resolve("storagepoolxml2xmlin/" + name + ".xml"));
        String expected = Files.readString(tests.resolve("storagepoolxml2xmlout/" + name + ".xml"));

        PoolDefinition def = PoolXml.parse(in);
        String actual = PoolXml.format(def);

        assertEquals(expected, actual);
        PoolDefinition again = PoolXml.parse(actual);
        assertEquals(actual, PoolXml.format(again), "formatting what we wrote must be stable");
    }

    /** The one input libvirt's test does not list (it has no expected output); it must still be accepted. */
    @Test
    void untestedInputStillParses() throws IOException {
        String in = Files.readString(tests().resolve("storagepoolxml2xmlin/pool-netfs-gluster-without-slash.xml"));
        PoolDefinition def = PoolXml.parse(in);
        assertEquals("volume", def.source().dir().orElseThrow());
    }
}
