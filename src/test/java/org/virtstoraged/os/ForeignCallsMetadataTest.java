package org.virtstoraged.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A native image makes only the FFM calls its reachability metadata lists, and fails at run time on any other;
 * no native build runs on this machine, so this test keeps the list complete instead. It initialises every class
 * of each package that links C functions through {@link ForeignCalls} (which makes their handles, loading
 * libiscsi, libgfapi, librados and librbd: Debian's libiscsi7, libgfapi0, librados2 and librbd1 must be installed),
 * then checks that the metadata file names each shape linked, and names no shape nothing links.
 */
class ForeignCallsMetadataTest {
    private static final String METADATA =
            "META-INF/native-image/org.virtstoraged/virtstoraged/reachability-metadata.json";
    private static final byte[] USES = "org/virtstoraged/os/ForeignCalls".getBytes(StandardCharsets.UTF_8);

    @Test
    void everyLinkedShapeIsInTheNativeImageMetadata() throws Exception {
        Path classes = Path.of(ForeignCalls.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> initialised = initialiseBindingPackages(classes);
        assertTrue(initialised.size() > 20, () -> "binding classes: " + initialised);

        Set<String> linked = ForeignCalls.linked().stream().map(ForeignCallsMetadataTest::key)
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> listed = listed();
        Set<String> missing = new TreeSet<>(linked);
        missing.removeAll(listed);
        Set<String> unused = new TreeSet<>(listed);
        unused.removeAll(linked);
        assertEquals(Set.of(), missing, "linked but not in " + METADATA + " (a native image fails on these)");
        assertEquals(Set.of(), unused, "in " + METADATA + " but linked nowhere");
    }

    /** Initialises every class of each package that has a class naming ForeignCalls; returns their names. */
    private static List<String> initialiseBindingPackages(Path classes) throws Exception {
        Set<Path> packages = new TreeSet<>();
        try (Stream<Path> files = Files.walk(classes.resolve("org/virtstoraged"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
                if (indexOf(Files.readAllBytes(f), USES) >= 0) {
                    packages.add(f.getParent());
                }
            }
        }
        assertFalse(packages.isEmpty(), "no class uses ForeignCalls under " + classes);
        List<String> names = new ArrayList<>();
        for (Path dir : packages) {
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".class")).sorted().toList()) {
                    String rel = classes.relativize(f).toString();
                    String name = rel.substring(0, rel.length() - ".class".length()).replace('/', '.');
                    try {
                        Class.forName(name, true, ForeignCallsMetadataTest.class.getClassLoader());
                    } catch (ExceptionInInitializerError | NoClassDefFoundError e) {
                        fail("initialising " + name + ": " + e + (e.getCause() == null ? "" : " caused by "
                                + e.getCause()), e);
                    }
                    names.add(name);
                }
            }
        }
        return names;
    }

    /** The metadata's downcalls and upcalls, as {@link #key} writes them. */
    private static Set<String> listed() throws Exception {
        JsonObject json;
        try (InputStream in = ForeignCalls.class.getClassLoader().getResourceAsStream(METADATA)) {
            assertTrue(in != null, "no " + METADATA + " on the class path");
            json = new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        Set<String> keys = new TreeSet<>();
        JsonObject foreign = json.getJsonObject("foreign");
        for (String kind : List.of("downcalls", "upcalls")) {
            JsonArray entries = foreign.getJsonArray(kind, new JsonArray());
            for (int i = 0; i < entries.size(); i++) {
                JsonObject e = entries.getJsonObject(i);
                JsonObject options = e.getJsonObject("options", new JsonObject());
                assertTrue(Set.of("captureCallState", "firstVariadicArg").containsAll(options.fieldNames()),
                        () -> "an option this test does not know: " + e);
                String ret = e.getString("returnType");
                List<String> params = e.getJsonArray("parameterTypes").stream().map(Object::toString).toList();
                String shape = layoutNames(ret) + "(" + params.stream().map(ForeignCallsMetadataTest::layoutNames)
                        .collect(Collectors.joining(", ")) + ")";
                boolean added = keys.add(key(kind.equals("upcalls"), shape,
                        options.getBoolean("captureCallState", false), options.getInteger("firstVariadicArg", -1)));
                assertTrue(added, () -> "listed twice: " + e);
            }
        }
        return keys;
    }

    private static String key(ForeignCalls.Shape s) {
        FunctionDescriptor f = s.function();
        String shape = f.returnLayout().map(ForeignCallsMetadataTest::layoutName).orElse("void") + "("
                + f.argumentLayouts().stream().map(ForeignCallsMetadataTest::layoutName)
                        .collect(Collectors.joining(", ")) + ")";
        return key(s.upcall(), shape, s.capturesErrno(), s.firstVariadicArg());
    }

    private static String key(boolean upcall, String shape, boolean errno, int firstVariadic) {
        return (upcall ? "upcall " : "downcall ") + shape + (errno ? " errno" : "")
                + (firstVariadic >= 0 ? " variadic from " + firstVariadic : "");
    }

    /** A metadata type name (a C canonical layout) as {@link #layoutName} names its layout. */
    private static String layoutNames(String cType) {
        if (cType.equals("void")) {
            return "void";
        }
        Map<String, MemoryLayout> canonical = ForeignCalls.LINKER.canonicalLayouts();
        MemoryLayout layout = canonical.get(cType);
        assertTrue(layout != null, () -> "not a C type of this platform: " + cType);
        return layoutName(layout);
    }

    /** What a native image tells layouts apart by: the carrier and the size (long and size_t are the same). */
    private static String layoutName(MemoryLayout layout) {
        if (layout instanceof ValueLayout v) {
            return v.carrier().getSimpleName() + v.byteSize();
        }
        return layout.toString();
    }

    private static int indexOf(byte[] data, byte[] part) {
        outer:
        for (int i = 0; i + part.length <= data.length; i++) {
            for (int j = 0; j < part.length; j++) {
                if (data[i + j] != part[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
