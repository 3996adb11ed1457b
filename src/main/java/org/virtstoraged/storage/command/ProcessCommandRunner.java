package org.virtstoraged.storage.command;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.jboss.logging.Logger;

/** The production runner: a real child process with the C locale, stdin closed, both outputs captured. */
public final class ProcessCommandRunner implements CommandRunner {
    private static final Logger LOG = Logger.getLogger(ProcessCommandRunner.class);

    @Override
    public CommandResult run(List<String> argv) {
        LOG.debugf("running %s", CommandLine.format(argv));
        ProcessBuilder pb = new ProcessBuilder(argv);
        // Tools' messages end up in libvirt-style errors, so they must be in English as libvirt's are.
        pb.environment().put("LC_ALL", "C");
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            return new CommandResult(127, "", "Cannot run program " + argv.get(0) + ": " + e.getMessage());
        }
        CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> drain(process.getErrorStream()));
        String stdout = drain(process.getInputStream());
        try {
            int status = process.waitFor();
            return new CommandResult(status, stdout, stderr.join());
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            return new CommandResult(-1, stdout, "interrupted");
        }
    }

    private static String drain(InputStream in) {
        try (in) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
