package org.virtstoraged.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real secret daemon in the same home (runtime and config directories) as a session {@link DaemonProcess}:
 * libvirt 9.0's modular virtsecretd (src/test/scripts/libvirt-modular.sh), or Debian's monolithic libvirtd 9.0
 * with only its secret driver loaded (LIBVIRT_DRIVER_DIR holding just libvirt_driver_secret.so: with its
 * storage driver it would take the storage driver's lock in the same runtime directory).
 */
final class SecretDaemonProcess implements AutoCloseable {
    private static final Path DEBIAN_SECRET_DRIVER =
            Path.of("/usr/lib/x86_64-linux-gnu/libvirt/connection-driver/libvirt_driver_secret.so");

    private final List<String> command;
    private final Map<String, String> env;
    private final Path socket;
    private final Path log;
    private Process process;

    private SecretDaemonProcess(List<String> command, Map<String, String> env, Path socket, Path log) {
        this.command = command;
        this.env = env;
        this.socket = socket;
        this.log = log;
    }

    /** virtsecretd of the modular build, as {@code user}, in {@code home}. */
    static SecretDaemonProcess virtsecretd(Path home, String user) throws Exception {
        String binary = ModularLibvirt.build("VIRTSECRETD").get("VIRTSECRETD");
        return new SecretDaemonProcess(asUser(user, binary), env(home), home.resolve("run/libvirt/virtsecretd-sock"),
                home.resolve("virtsecretd.log"));
    }

    /** Debian's libvirtd with nothing but its secret driver, as {@code user}, in {@code home}. */
    static SecretDaemonProcess libvirtdSecretsOnly(Path home, String user) throws Exception {
        String libvirtd = HostTools.require("libvirtd", "libvirt-daemon");
        if (!Files.exists(DEBIAN_SECRET_DRIVER)) {
            fail("no " + DEBIAN_SECRET_DRIVER + ": install the Debian package libvirt-daemon");
        }
        Path drivers = Files.createDirectories(home.resolve("secret-driver-only"));
        Files.deleteIfExists(drivers.resolve(DEBIAN_SECRET_DRIVER.getFileName()));
        Files.createSymbolicLink(drivers.resolve(DEBIAN_SECRET_DRIVER.getFileName()), DEBIAN_SECRET_DRIVER);
        Map<String, String> env = new java.util.HashMap<>(env(home));
        env.put("LIBVIRT_DRIVER_DIR", drivers.toString());
        return new SecretDaemonProcess(asUser(user, libvirtd, "--timeout", "0"), env,
                home.resolve("run/libvirt/libvirt-sock"), home.resolve("libvirtd-secrets.log"));
    }

    private static Map<String, String> env(Path home) {
        return Map.of("HOME", home.toString(), "XDG_RUNTIME_DIR", home.resolve("run").toString(),
                "XDG_CONFIG_HOME", home.resolve("config").toString(), "XDG_CACHE_HOME", home.resolve("cache").toString(),
                "PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
    }

    private static List<String> asUser(String user, String... argv) throws Exception {
        HostTools.require("setpriv", "util-linux");
        String[] ids = DaemonProcess.userIds(user).split(":");
        List<String> command = new ArrayList<>(List.of("setpriv", "--reuid=" + ids[0], "--regid=" + ids[1],
                "--clear-groups", "--"));
        command.addAll(List.of(argv));
        return command;
    }

    Path socket() {
        return socket;
    }

    /** The URI virsh uses for this daemon's secrets. */
    String uri() {
        return "secret:///session?socket=" + socket;
    }

    Virsh virsh() {
        return new Virsh(uri());
    }

    SecretDaemonProcess start() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().clear();
        pb.environment().putAll(env);
        process = pb.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!(Files.exists(socket) && RawClient.canConnect(socket))) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                fail("the secret daemon did not serve " + socket + ":\n" + Files.readString(log));
            }
            Thread.sleep(50);
        }
        return this;
    }

    /** Defines a secret with the real virsh and sets its value (from a file, never on the command line). */
    void define(String uuid, boolean isPrivate, String usageXml, byte[] value) throws Exception {
        Path dir = Files.createTempDirectory("secret");
        try {
            Path xml = Files.writeString(dir.resolve("secret.xml"), "<secret ephemeral='no' private='"
                    + (isPrivate ? "yes" : "no") + "'><uuid>" + uuid + "</uuid>" + usageXml + "</secret>");
            CommandResult r = virsh().run("secret-define", xml.toString());
            assertEquals(0, r.exitCode(), r.toString());
            if (value != null) {
                Path file = Files.write(dir.resolve("value"), value);
                r = virsh().run("secret-set-value", uuid, "--file", file.toString(), "--plain");
                assertEquals(0, r.exitCode(), r.toString());
            }
        } finally {
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(dir);
        }
    }

    /** SIGKILL: the daemon dies with its socket file left behind, as a crash leaves it. */
    void kill() throws Exception {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }

    /** SIGTERM: the daemon shuts down and removes its socket. */
    void stop() throws Exception {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    String log() throws Exception {
        return Files.exists(log) ? Files.readString(log) : "";
    }

    @Override
    public void close() throws Exception {
        stop();
    }
}
