package org.virtstoraged.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * go-libvirt (DigitalOcean's pure-Go client, which speaks libvirt's RPC protocol itself instead of going
 * through libvirt's C library) against our session socket: src/test/resources/e2e/golang/storage_client.go
 * connects with go-libvirt's local dialer and ConnectToURI (AUTH_LIST, then CONNECT_OPEN with go-libvirt's
 * non-canonical XDR boolean), defines, builds and starts a dir pool, creates a volume, uploads and
 * downloads 1 MiB through go-libvirt's stream code, provokes two errors and registers storage pool events
 * on all pools. go-libvirt does not hand pool events or error domains to its user, so the program taps the
 * connection and prints every event frame (with its header serial) and every remote_error it carries.
 * Compared byte for byte with what libvirtd 9.0 answered the same program
 * (src/test/resources/e2e/libvirtd-9.0/golang_storage.json, recorded with
 * src/test/resources/e2e/golang/record.sh).
 *
 * <p>The program is built offline from Debian's packaged go-libvirt source in GOPATH mode (GO111MODULE=off,
 * GOPROXY=off, build cache under the test's temporary directory).
 */
class GoLibvirtIT {
    static final String RECORDING = "src/test/resources/e2e/libvirtd-9.0/golang_storage.json";
    static final Path GOCODE = Path.of("/usr/share/gocode");
    static final Path GO_LIBVIRT = GOCODE.resolve("src/github.com/digitalocean/go-libvirt");

    @TempDir
    Path home;

    @Test
    void goLibvirtStorageScenarioMatchesLibvirtd() throws Exception {
        String go = HostTools.require("go", "golang-go");
        if (!Files.isDirectory(GO_LIBVIRT)) {
            fail("go-libvirt's source is missing (" + GO_LIBVIRT + "): install the Debian package "
                    + "golang-github-digitalocean-go-libvirt-dev (apt-get install -y golang-github-digitalocean-go-libvirt-dev)");
        }
        Path source = Path.of("src/test/resources/e2e/golang/storage_client.go").toAbsolutePath();
        Path binary = home.resolve("storage_client");
        Map<String, String> goEnv = Map.of(
                "GO111MODULE", "off",
                "GOPATH", home.resolve("gopath") + ":" + GOCODE,
                "GOCACHE", home.resolve("gocache").toString(),
                "GOTMPDIR", Files.createDirectories(home.resolve("gotmp")).toString(),
                "GOPROXY", "off",
                "GOFLAGS", "",
                "GOENV", "off",
                "HOME", home.toString());
        CommandResult build = Commands.run(List.of(go, "build", "-o", binary.toString(), source.toString()), goEnv, null,
                300);
        assertEquals(0, build.exitCode(), () -> "go build of " + source + " failed:\n" + build);

        Path base = Files.createDirectories(home.resolve("base"));
        String actual;
        try (DaemonProcess d = new DaemonProcess(home.resolve("daemon"))) {
            d.start();
            CommandResult r = Commands.run(List.of(binary.toString(), d.socket().toString(), d.uri(), base.toString()),
                    Map.of(), null, 120);
            String log = d.log();
            assertEquals(0, r.exitCode(), () -> r + "\ndaemon log:\n" + log);
            actual = r.stdout();
        }
        PythonStorageApiIT.assertSame(Files.readString(Path.of(RECORDING)), actual);
    }
}
