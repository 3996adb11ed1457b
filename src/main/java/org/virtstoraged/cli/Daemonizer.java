package org.virtstoraged.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * `-d`: a JVM cannot fork, so the parent starts the same command line again, detached into its own
 * session (setsid) with no terminal, and waits on a pipe for the child to say it is serving (or why it
 * could not start). Like libvirt's daemons, the parent exits 0 only once the daemon is ready.
 */
final class Daemonizer {
    /** Set in the child's environment: it is the detached daemon and reports its status on stdout. */
    static final String CHILD_ENV = "VIRTSTORAGED_DETACHED_CHILD";

    private Daemonizer() {
    }

    static boolean isDetachedChild() {
        return "1".equals(System.getenv(CHILD_ENV));
    }

    /**
     * Starts the detached child with the given daemon options; returns the exit status for the parent.
     */
    static int spawn(List<String> originalArgs, List<String> childArgs, PrintStream err)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add("setsid");
        cmd.addAll(jvmCommand(originalArgs.size()));
        cmd.addAll(childArgs);
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .directory(Path.of("/").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .redirectOutput(ProcessBuilder.Redirect.PIPE);
        pb.environment().put(CHILD_ENV, "1");
        Process child = pb.start();
        String status;
        try (var reader = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            status = readLine(reader);
        }
        if ("OK".equals(status)) {
            return 0;
        }
        if (status != null && status.startsWith("ERR ")) {
            String[] parts = status.split(" ", 3);
            err.println(parts.length > 2 ? parts[2] : "");
            return Integer.parseInt(parts[1]);
        }
        child.waitFor(10, TimeUnit.SECONDS);
        err.println("error: Unable to start daemon: the daemon exited before it was ready");
        return child.isAlive() ? 1 : Math.max(1, child.exitValue());
    }

    private static String readLine(BufferedReader reader) throws IOException {
        // The child either writes its status line or dies, closing the pipe; both end this read.
        return reader.readLine();
    }

    /** Child side: tell the waiting parent we serve, then let go of the pipe (stdout). */
    static void reportReady() {
        System.out.println("OK");
        System.out.flush();
        System.out.close();
    }

    /** Child side: tell the waiting parent why we could not start. */
    static void reportFailure(int exitStatus, String message) {
        System.out.println("ERR " + exitStatus + " " + message.replace('\n', ' '));
        System.out.flush();
        System.out.close();
    }

    /** How this JVM was started: /proc/self/cmdline without the daemon's own arguments. */
    private static List<String> jvmCommand(int userArgCount) throws IOException {
        byte[] raw = Files.readAllBytes(Path.of("/proc/self/cmdline"));
        List<String> argv = new ArrayList<>(Arrays.asList(new String(raw, StandardCharsets.UTF_8).split("\0")));
        List<String> jvm = new ArrayList<>(argv.subList(0, argv.size() - userArgCount));
        jvm.set(0, ProcessHandle.current().info().command().orElse(jvm.get(0)));
        // The child starts in "/" like any daemon, so the jar or class path must not be relative.
        for (int i = 1; i + 1 < jvm.size(); i++) {
            String opt = jvm.get(i);
            if (opt.equals("-jar") || opt.equals("-cp") || opt.equals("-classpath") || opt.equals("--class-path")) {
                List<String> parts = new ArrayList<>();
                for (String part : jvm.get(i + 1).split(java.io.File.pathSeparator)) {
                    parts.add(Path.of(part).toAbsolutePath().toString());
                }
                jvm.set(i + 1, String.join(java.io.File.pathSeparator, parts));
            }
        }
        return jvm;
    }
}
