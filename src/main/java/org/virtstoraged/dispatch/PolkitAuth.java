package org.virtstoraged.dispatch;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.VirException;
import org.virtstoraged.rpc.xdr.XdrDecoder;
import org.virtstoraged.rpc.xdr.XdrEncoder;
import org.virtstoraged.util.UnixAccounts;

/**
 * REMOTE_PROC_AUTH_POLKIT, as libvirt's remoteDispatchAuthPolkit: asks polkit on the system D-Bus
 * (org.freedesktop.PolicyKit1.Authority.CheckAuthorization, through GLib's gdbus tool) whether the peer
 * process may use org.libvirt.unix.manage (read-write socket) or org.libvirt.unix.monitor (read-only).
 * Without a system bus the client gets libvirt's "Unable to get system bus connection" error.
 */
final class PolkitAuth {
    private static final Logger LOG = Logger.getLogger(PolkitAuth.class);
    static final int AUTH_POLKIT = 70;
    /** VIR_FROM_DBUS and VIR_FROM_POLKIT. */
    static final int FROM_DBUS = 47;
    static final int FROM_POLKIT = 60;
    private static final String DEFAULT_SYSTEM_BUS = "unix:path=/var/run/dbus/system_bus_socket";
    private static final Pattern REPLY = Pattern.compile("\\(\\((true|false), (true|false), \\{(.*)\\}\\),\\)",
            Pattern.DOTALL);

    /** Answers the call on a worker thread: the D-Bus round trip may wait for polkit. */
    Uni<byte[]> call(ClientContext client, XdrDecoder args) {
        return Uni.createFrom().item(() -> {
            if (client.authType() != ClientContext.AUTH_TYPE_POLKIT) {
                // libvirt: "client tried invalid PolicyKit init request", then the generic failure
                LOG.errorf("client tried invalid PolicyKit init request");
                throw VirException.of(ErrorCode.AUTH_FAILED, org.virtstoraged.error.ErrorDomain.RPC, "%s",
                        "authentication failed");
            }
            PeerCredentials peer = client.peer();
            String action = client.readOnlySocket() ? "org.libvirt.unix.monitor" : "org.libvirt.unix.manage";
            long startTime = UnixAccounts.startTime(peer.pid()).orElse(0);
            if (startTime == 0) {
                LOG.warnf("Failing polkit auth due to missing client (pid=%d) start time", peer.pid());
                throw VirException.of(ErrorCode.AUTH_FAILED, org.virtstoraged.error.ErrorDomain.RPC, "%s",
                        "authentication failed");
            }
            checkAuth(action, peer.pid(), startTime, peer.uid(), System.getenv());
            LOG.infof("Policy allowed action %s from pid %d, uid %d", action, peer.pid(), peer.uid());
            client.markAuthenticated();
            return new XdrEncoder().writeInt(1).toByteArray();
        }).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    /** virPolkitCheckAuth: returns when allowed, throws libvirt's error otherwise. */
    static void checkAuth(String action, int pid, long startTime, int uid, Map<String, String> env) {
        String address = env.getOrDefault("DBUS_SYSTEM_BUS_ADDRESS", DEFAULT_SYSTEM_BUS);
        if (address.startsWith("unix:path=")) {
            String path = address.substring("unix:path=".length()).split(",")[0];
            if (!Files.exists(Path.of(path))) {
                throw noBus("Could not connect: No such file or directory");
            }
        }
        String subject = String.format("('unix-process', {'pid': <uint32 %d>, 'start-time': <uint64 %d>, 'uid': <int32 %d>})",
                pid, startTime, uid);
        List<String> argv = List.of("gdbus", "call", "--system", "--dest", "org.freedesktop.PolicyKit1",
                "--object-path", "/org/freedesktop/PolicyKit1/Authority",
                "--method", "org.freedesktop.PolicyKit1.Authority.CheckAuthorization",
                subject, action, "@a{ss} {}", "uint32 1", "");
        String out;
        int rc;
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            p.getOutputStream().close();
            out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw noBus("Timeout was reached");
            }
            rc = p.exitValue();
        } catch (IOException e) {
            throw noBus(e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw noBus("interrupted");
        }
        interpret(action, rc, out);
    }

    /** The outcome of the CheckAuthorization call, as gdbus printed it. */
    static void interpret(String action, int rc, String out) {
        if (rc != 0) {
            String message = out.startsWith("Error: ") ? out.substring("Error: ".length()) : out;
            if (message.startsWith("Error connecting: ")) {
                throw noBus(message.substring("Error connecting: ".length()).split("\n")[0]);
            }
            throw new VirException(ErrorCode.DBUS_SERVICE, FROM_DBUS, message.split("\n")[0]);
        }
        Matcher m = REPLY.matcher(out);
        if (!m.matches()) {
            throw new VirException(ErrorCode.DBUS_SERVICE, FROM_DBUS, "unexpected reply: " + out);
        }
        if ("true".equals(m.group(1))) {
            return;
        }
        if (m.group(3).matches("(?s).*'polkit\\.dismissed': 'true'.*")) {
            throw new VirException(ErrorCode.AUTH_CANCELLED, FROM_POLKIT, "user cancelled authentication process");
        }
        if ("true".equals(m.group(2))) {
            throw VirException.of(ErrorCode.AUTH_UNAVAILABLE, FROM_POLKIT,
                    "no polkit agent available to authenticate action '%s'", action);
        }
        throw new VirException(ErrorCode.AUTH_FAILED, FROM_POLKIT, "access denied by policy");
    }

    private static VirException noBus(String why) {
        return new VirException(ErrorCode.INTERNAL_ERROR, FROM_DBUS, "Unable to get system bus connection: " + why);
    }
}
