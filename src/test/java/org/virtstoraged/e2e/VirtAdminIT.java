package org.virtstoraged.e2e;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real virt-admin against our daemon's admin socket, step by step as
 * src/test/resources/e2e/libvirtd-9.0/admin/steps.tsv lists them; each step must print what virt-admin
 * printed against libvirt 9.0's libvirtd (recorded there by record.sh), once the server name, the
 * second client's id, times, socket and directory paths and that client's identity are normalised.
 * A second client (an interactive virsh) is listed, inspected and disconnected on the way.
 */
class VirtAdminIT {
    private static final String DIR = "/e2e/libvirtd-9.0/admin/";
    private static final Pattern TIME = Pattern.compile("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d[+-]\\d{4}");

    private String virtAdmin;
    private DaemonProcess daemon;
    private Path home;
    private String id;

    @Test
    void virtAdminPrintsWhatItPrintsAgainstLibvirtd(@TempDir Path tmp) throws Exception {
        virtAdmin = HostTools.require("virt-admin", "libvirt-clients");
        HostTools.virsh();
        home = tmp;
        List<String> mismatches = new ArrayList<>();
        try (DaemonProcess d = new DaemonProcess(tmp).start()) {
            daemon = d;
            daemon.awaitSocket(daemon.adminSocket(), 30);
            Process virsh = null;
            for (String line : resource("steps.tsv").split("\n")) {
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                if (line.equals("@virsh-start")) {
                    virsh = startSecondClient();
                    continue;
                }
                if (line.equals("@virsh-end")) {
                    String transcript = endSecondClient(virsh);
                    compare("virsh_after", new CommandResult(transcript, "", 0), mismatches, true);
                    continue;
                }
                String[] f = line.split("\t", -1);
                List<String> args = new ArrayList<>();
                for (String a : Arrays.copyOfRange(f, 1, f.length)) {
                    args.add(a.equals("@EMPTY@") ? "" : a.replace("@SERVER@", "virtstoraged")
                            .replace("@ID@", String.valueOf(id)).replace("@DIR@", home.toString()));
                }
                compare(f[0], virtAdmin(args), mismatches, false);
            }
            assertTrue(mismatches.isEmpty(), "virt-admin printed otherwise than against libvirtd 9.0:\n"
                    + String.join("\n", mismatches) + "\ndaemon log:\n" + daemon.log());
        }
    }

    private CommandResult virtAdmin(List<String> args) throws Exception {
        List<String> argv = new ArrayList<>(List.of(virtAdmin, "-c", "virtstoraged:///session?socket=" + daemon.adminSocket()));
        argv.addAll(args);
        return Commands.run(argv, daemon.env(), null, 60);
    }

    private Process startSecondClient() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(HostTools.virsh(), "-c", daemon.uri()).redirectErrorStream(true)
                .redirectOutput(home.resolve("virsh.out").toFile());
        pb.environment().putAll(daemon.env());
        Process p = pb.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            CommandResult list = virtAdmin(List.of("client-list", "virtstoraged"));
            Matcher m = Pattern.compile("(?m)^ (\\d+) +unix ").matcher(list.stdout());
            if (m.find()) {
                id = m.group(1);
                return p;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the virsh shell never showed up in client-list");
    }

    private String endSecondClient(Process p) throws Exception {
        assertNotNull(p, "@virsh-end without @virsh-start");
        OutputStream in = p.getOutputStream();
        in.write("pool-list --all\n".getBytes(StandardCharsets.UTF_8));
        in.flush();
        Thread.sleep(1000);
        in.write("quit\n".getBytes(StandardCharsets.UTF_8));
        in.close();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("virsh did not end");
        }
        return Files.readString(home.resolve("virsh.out"));
    }

    private void compare(String name, CommandResult ours, List<String> mismatches, boolean stdoutOnly) throws IOException {
        String expectedOut = canonical(name, resource(name + ".stdout"));
        String actualOut = canonical(name, normalise(ours.stdout()));
        if (!expectedOut.equals(actualOut)) {
            mismatches.add("[" + name + "] stdout:\n--- libvirtd\n" + expectedOut + "--- ours\n" + actualOut);
        }
        if (stdoutOnly) {
            return;
        }
        String expectedErr = canonical(name, resource(name + ".stderr"));
        String actualErr = canonical(name, normalise(ours.stderr()));
        if (!expectedErr.equals(actualErr)) {
            mismatches.add("[" + name + "] stderr:\n--- libvirtd\n" + expectedErr + "--- ours\n" + actualErr);
        }
        int expectedExit = Integer.parseInt(resource(name + ".exit").trim());
        if (expectedExit != ours.exitCode()) {
            mismatches.add("[" + name + "] exit " + ours.exitCode() + ", libvirtd's " + expectedExit);
        }
    }

    /** What record.sh replaces in libvirtd's output, replaced the same way in ours. */
    private String normalise(String s) {
        s = s.replace(daemon.adminSocket().toString(), "@SOCKET@").replace(daemon.socket().toString(), "@SOCKET@")
                .replace(home.toString(), "@DIR@");
        s = s.replaceAll("(?m)^( [0-9]* *)virtstoraged( *)$", "$1@SERVER@$2").replace("'virtstoraged'", "'@SERVER@'");
        s = TIME.matcher(s).replaceAll("@TIME@");
        s = s.replaceAll("(?m)^(unix_[a-z_]* *: *).*", "$1@UNIX@");
        if (id != null) {
            s = s.replaceAll("(?m)^ " + id + "( *unix )", " @ID@$1").replaceAll("(?m)^(id *: )" + id + "$", "$1@ID@")
                    .replace("Client '" + id + "' disconnected", "Client '@ID@' disconnected");
        }
        return s;
    }

    /**
     * Both sides, before comparing: virt-admin sizes its table columns to the longest value, and the
     * server names differ in length; libvirt lists its servers in hash order, which changes from run to run.
     */
    private static String canonical(String name, String s) {
        String out = Arrays.stream(s.split("\n", -1)).map(l -> l.matches("-{3,}") ? "---" : l.replaceAll(" {2,}", " "))
                .collect(Collectors.joining("\n"));
        if (name.equals("srv_list") || name.equals("server_list")) {
            out = Arrays.stream(out.split("\n")).map(l -> l.replaceAll("^ \\d+ ", " N ")).sorted()
                    .collect(Collectors.joining("\n"));
        }
        return out;
    }

    private static String resource(String file) throws IOException {
        try (InputStream in = VirtAdminIT.class.getResourceAsStream(DIR + file)) {
            if (in == null) {
                throw new IOException("no recorded reference output " + DIR + file);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

}
