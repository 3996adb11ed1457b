package org.virtstoraged.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The installed launcher, deploy/virtstoraged, on the built application (target/quarkus-app) with the AOT
 * cache of the build's training run (app.aot): the JVM it runs accepts the cache, and a cache it cannot use
 * costs nothing but time: not a word on stderr, which administrators and these tests read.
 */
class LauncherIT {
    private static final String VERSION_LINE = "virtstoraged (libvirt) 9.0.0\n";

    @TempDir
    Path home;

    private static Path appDir() {
        return Path.of(DaemonProcess.jar()).toAbsolutePath().getParent();
    }

    private CommandResult launch(Path app, String javaOpts, String... args) throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("VIRTSTORAGED_HOME", app.toString());
        env.put("VIRTSTORAGED_JAVA", DaemonProcess.javaBinary());
        env.put("VIRTSTORAGED_JAVA_OPTS", javaOpts);
        env.put("XDG_RUNTIME_DIR", home.resolve("run").toString());
        env.put("XDG_CONFIG_HOME", home.resolve("config").toString());
        env.put("VIRTSTORAGED_MODE", "session");
        return Commands.run(Stream.concat(Stream.of(Path.of("deploy/virtstoraged").toAbsolutePath().toString()),
                Stream.of(args)).toList(), env, null, 60);
    }

    @Test
    void versionThroughTheLauncherPrintsOnlyTheVersion() throws Exception {
        assertEquals(new CommandResult(VERSION_LINE, "", 0).toString(), launch(appDir(), "", "--version").toString());
    }

    @Test
    void nettysLibraryIsInstalledWhereTheLauncherPointsJavaLibraryPath() throws Exception {
        // otherwise Netty writes it out of its jar to /tmp at every start
        assertTrue(Files.isRegularFile(appDir().resolve("lib/native/libnetty_transport_native_epoll_x86_64.so")));
    }

    @Test
    void theBuildsCacheIsAcceptedByItsJvm() throws Exception {
        assumeTrue(Files.exists(appDir().resolve("app.aot")), "no AOT cache was built (-Dvirtstoraged.aot.skip)");
        // AOTMode=on: the JVM refuses to start rather than run without the cache
        assertEquals(new CommandResult(VERSION_LINE, "", 0).toString(),
                launch(appDir(), "-XX:AOTMode=on", "--version").toString());
    }

    @Test
    void theCommandLineParserComesFromTheCache() throws Exception {
        assumeTrue(Files.exists(appDir().resolve("app.aot")), "no AOT cache was built (-Dvirtstoraged.aot.skip)");
        // picocli is built for Java 5; the build makes its classes Java 8 ones (src/tools/AotOldClasses.java), or
        // JDK 25 leaves them out of the cache and loads and verifies them from the jar at every start
        CommandResult r = launch(appDir(), "-Xlog:class+load=info", "--version");
        // (classes that only --version needs were not in the training run, so they may come from the jar)
        for (String name : List.of("CommandLine", "CommandLine$Model$CommandSpec", "CommandLine$Model$OptionSpec",
                "CommandLine$Interpreter", "CommandLine$ParseResult")) {
            String line = "] picocli." + name + " source: shared objects file";
            assertTrue(r.stdout().lines().anyMatch(l -> l.endsWith(line)), name + ":\n" + r.stdout());
        }
    }

    @Test
    void anInstalledCopyKeepsItsCache() throws Exception {
        assumeTrue(Files.exists(appDir().resolve("app.aot")), "no AOT cache was built (-Dvirtstoraged.aot.skip)");
        // as `cp -a` installs it elsewhere: the JVM relocates the class path the cache recorded
        Path copy = home.resolve("app");
        copyTree(appDir(), copy, true);
        assertEquals(new CommandResult(VERSION_LINE, "", 0).toString(),
                launch(copy, "-XX:AOTMode=on", "--version").toString());
    }

    @Test
    void aCacheTheJvmRefusesIsSkippedSilently() throws Exception {
        assumeTrue(Files.exists(appDir().resolve("app.aot")), "no AOT cache was built (-Dvirtstoraged.aot.skip)");
        // copied without their times, the jars no longer match what the cache recorded
        Path copy = home.resolve("app");
        copyTree(appDir(), copy, false);
        assertEquals(new CommandResult(VERSION_LINE, "", 0).toString(), launch(copy, "", "--version").toString());
    }

    @Test
    void aCacheOfAnotherJvmIsNotOffered() throws Exception {
        assumeTrue(Files.exists(appDir().resolve("app.aot")), "no AOT cache was built (-Dvirtstoraged.aot.skip)");
        Path copy = home.resolve("app");
        copyTree(appDir(), copy, true);
        assertTrue(aotCacheFlag(launch(copy, "-XX:+PrintFlagsFinal", "--version")).contains("app.aot"));
        Files.writeString(copy.resolve("app.aot.jvm"), "/opt/other-jdk/bin/java 25.0.0+1\n");
        CommandResult r = launch(copy, "-XX:+PrintFlagsFinal", "--version");
        assertEquals("", r.stderr());
        assertEquals("", aotCacheFlag(r), r.stdout());
    }

    @Test
    void theHeapStartsSmallAndTheAdministratorsOptionsWin() throws Exception {
        // the JVM's own first heap is 1/64 of the host's memory; the launcher's is 8 MiB (docs/benchmarks.md)
        CommandResult r = launch(appDir(), "-XX:+PrintFlagsFinal", "--version");
        assertEquals(String.valueOf(8 << 20), flag(r, "InitialHeapSize"));
        assertEquals("4", flag(r, "GCTimeRatio"));
        assertEquals("15000", flag(r, "G1PeriodicGCInterval"));
        assertEquals("2000", flag(r, "TrimNativeHeapInterval"));
        r = launch(appDir(), "-XX:+PrintFlagsFinal -Xms64m -XX:GCTimeRatio=12", "--version");
        assertEquals(String.valueOf(64 << 20), flag(r, "InitialHeapSize"));
        assertEquals("12", flag(r, "GCTimeRatio"));
    }

    /** The value of -XX:AOTCache in -XX:+PrintFlagsFinal's table. */
    private static String aotCacheFlag(CommandResult r) {
        return flag(r, "AOTCache");
    }

    /** A flag's value in -XX:+PrintFlagsFinal's table ("" for an empty string). */
    private static String flag(CommandResult r, String name) {
        String row = "\\s*\\S+ " + name + "\\s+=";
        return r.stdout().lines().filter(l -> l.matches(row + ".*")).findFirst()
                .map(l -> l.replaceFirst(row + "\\s*", "").replaceFirst("\\s*\\{.*", "")).orElseThrow();
    }

    private static void copyTree(Path from, Path to, boolean keepTimes) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else if (keepTimes) {
                    Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
