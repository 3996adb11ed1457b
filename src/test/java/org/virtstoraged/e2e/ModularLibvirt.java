package org.virtstoraged.e2e;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** libvirt 9.0's modular daemons (virtproxyd, virtstoraged, virtsecretd), built by src/test/scripts/libvirt-modular.sh. */
final class ModularLibvirt {
    private static final Path BUILD_SCRIPT = Path.of("src/test/scripts/libvirt-modular.sh");

    private ModularLibvirt() {
    }

    /** Builds (or finds built) the daemons; the script's KEY=VALUE lines, each named executable checked. */
    static Map<String, String> build(String... executables) throws Exception {
        List<String> argv = new ArrayList<>(List.of("bash", BUILD_SCRIPT.toString()));
        Optional.ofNullable(System.getenv("LIBVIRT_MODULAR_CACHE")).filter(s -> !s.isEmpty()).ifPresent(argv::add);
        CommandResult r = Commands.run(argv, Map.of(), null, 1800);
        if (r.exitCode() != 0) {
            fail("cannot build libvirt 9.0's modular daemons with " + BUILD_SCRIPT + ":\n" + r.stderr());
        }
        Map<String, String> kv = keyValues(r.stdout());
        for (String key : executables) {
            String path = kv.get(key);
            if (path == null || !Files.isExecutable(Path.of(path))) {
                fail(BUILD_SCRIPT + " printed no executable " + key + ":\n" + r);
            }
        }
        return kv;
    }

    /** The KEY=VALUE lines of a text, in order; other lines are ignored. */
    static Map<String, String> keyValues(String text) {
        Map<String, String> kv = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0 && line.substring(0, eq).matches("[A-Za-z_]+")) {
                kv.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return kv;
    }
}
