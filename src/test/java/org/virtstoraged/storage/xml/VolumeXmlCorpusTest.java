package org.virtstoraged.storage.xml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.virtstoraged.storage.model.PoolType;
import org.virtstoraged.storage.model.VolumeDefinition;

/**
 * Every case of libvirt 9.0's tests/storagevolxml2xmltest.c: the volume XML parsed for a pool of the case's
 * type and written out again must equal libvirt's expected output byte for byte.
 */
class VolumeXmlCorpusTest {
    private static final Path LIBVIRT = Path.of("/var/cache/libvirt-reference/libvirt-9.0.0");
    private static final Pattern CASE = Pattern.compile(
            "DO_TEST(?:_FULL)?\\(\"([^\"]+)\",\\s*\"([^\"]+)\"(?:,\\s*([A-Z_|\\s]+))?\\)");
    private static final Pattern POOL_TYPE = Pattern.compile("<pool\\s+type=['\"]([^'\"]+)['\"]");

    static Stream<Arguments> cases() throws IOException {
        Path tests = tests();
        String driver = Files.readString(tests.resolve("storagevolxml2xmltest.c"));
        List<Arguments> cases = new ArrayList<>();
        Matcher m = CASE.matcher(driver.substring(driver.indexOf("mymain")));
        while (m.find()) {
            if (m.group(1).equals("pool")) {
                continue; // the macro's own definition
            }
            cases.add(Arguments.of(m.group(2), m.group(1), options(m.group(3))));
        }
        assertTrue(cases.size() >= 20, "expected the 20 cases of libvirt 9.0, found " + cases.size());
        return cases.stream();
    }

    private static Path tests() {
        Path tests = LIBVIRT.resolve("tests");
        if (!Files.isRegularFile(tests.resolve("storagevolxml2xmltest.c"))) {
            throw new IllegalStateException("libvirt 9.0.0 source not found at " + LIBVIRT
                    + "; unpack it with: bash /work/shared/tools/libvirt-source.sh (../shared/tools/libvirt-source.sh)");
        }
        return tests;
    }

    private static Set<VolumeXml.Option> options(String flags) {
        Set<VolumeXml.Option> options = EnumSet.noneOf(VolumeXml.Option.class);
        if (flags == null) {
            return options;
        }
        for (String flag : flags.split("\\|")) {
            switch (flag.trim()) {
                case "VIR_VOL_XML_PARSE_NO_CAPACITY" -> options.add(VolumeXml.Option.NO_CAPACITY);
                case "VIR_VOL_XML_PARSE_OPT_CAPACITY" -> options.add(VolumeXml.Option.OPT_CAPACITY);
                case "0" -> {
                }
                default -> throw new IllegalArgumentException("unknown parse flag " + flag);
            }
        }
        return options;
    }

    private static PoolType poolType(Path poolXml) throws IOException {
        Matcher m = POOL_TYPE.matcher(Files.readString(poolXml));
        assertTrue(m.find(), "no pool type in " + poolXml);
        return PoolType.fromXmlName(m.group(1)).orElseThrow();
    }

    @ParameterizedTest(name = "{0} in {1}")
    @MethodSource("cases")
    void parseThenFormatGivesLibvirtsOutput(String volume, String pool, Set<VolumeXml.Option> options)
            throws IOException {
        Path tests = tests();
        PoolType type = poolType(tests.resolve("storagepoolxml2xmlin/" + pool + ".xml"));
        String in = Files.readString(tests.resolve("storagevolxml2xmlin/" + volume + ".xml"));
        String expected = Files.readString(tests.resolve("storagevolxml2xmlout/" + volume + ".xml"));

        VolumeDefinition vol = VolumeXml.parse(type, in, options);
        String actual = VolumeXml.format(type, vol);

        assertEquals(expected, actual);
        assertEquals(actual, VolumeXml.format(type, VolumeXml.parse(type, actual, options)),
                "formatting what we wrote must be stable");
    }
}
