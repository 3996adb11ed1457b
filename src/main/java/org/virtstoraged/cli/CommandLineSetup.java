package org.virtstoraged.cli;

import io.quarkus.picocli.runtime.PicocliCommandLineFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import org.virtstoraged.config.DaemonPaths;
import picocli.CommandLine;

/**
 * Makes a bad command line read as it does from libvirt's daemons (glibc getopt's complaint, then
 * the usage text, exit status 1) rather than in picocli's words.
 */
@ApplicationScoped
class CommandLineSetup {
    @Produces
    CommandLine commandLine(PicocliCommandLineFactory factory) {
        CommandLine cl = factory.create();
        cl.setPosixClusteredShortOptionsAllowed(true);
        cl.setParameterExceptionHandler((ex, args) -> {
            var err = cl.getErr();
            err.println(complaint(ex));
            if (!(ex instanceof CommandLine.UnmatchedArgumentException u) || u.getUnmatched().stream()
                    .allMatch(a -> a.startsWith("-"))) {
                err.print(Usage.text(VirtstoragedCommand.NAME, DaemonPaths.isPrivilegedProcess()));
            }
            err.flush();
            return StartupException.FAILURE;
        });
        return cl;
    }

    private static String complaint(CommandLine.ParameterException ex) {
        String name = VirtstoragedCommand.NAME;
        if (ex instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
            String arg = u.getUnmatched().get(0);
            if (arg.startsWith("--")) {
                return name + ": unrecognized option '" + arg + "'";
            }
            if (arg.startsWith("-") && arg.length() > 1) {
                return name + ": invalid option -- '" + arg.charAt(1) + "'";
            }
            return name + ": unexpected, non-option, command line arguments";
        }
        if (ex instanceof CommandLine.MissingParameterException m && m.getMissing() != null && !m.getMissing().isEmpty()
                && m.getMissing().get(0) instanceof CommandLine.Model.OptionSpec o) {
            return name + ": option requires an argument -- '" + o.shortestName().replace("-", "") + "'";
        }
        return name + ": " + ex.getMessage();
    }
}
