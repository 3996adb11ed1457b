package org.virtstoraged.systemd;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.unix.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * sd_notify(3): tells the service manager about the daemon's state with one datagram to the Unix
 * socket named by $NOTIFY_SOCKET (a path, or an abstract address written with a leading '@').
 * Without NOTIFY_SOCKET nothing is sent. Java's own Unix sockets are stream-only, so the datagram
 * goes through Netty's native socket layer, which the daemon loads anyway for its listeners.
 */
public final class SdNotify {
    private static final Logger LOG = Logger.getLogger(SdNotify.class);
    /** sizeof(sockaddr_un.sun_path) on Linux. */
    static final int SUN_PATH_MAX = 108;

    private final String target;

    public SdNotify(Map<String, String> env) {
        this.target = env.get("NOTIFY_SOCKET");
    }

    public static SdNotify fromEnvironment() {
        return new SdNotify(System.getenv());
    }

    public boolean enabled() {
        return target != null && !target.isEmpty();
    }

    /** The address bytes for sun_path: '@' becomes the NUL byte of the abstract namespace. */
    static byte[] address(String target) {
        byte[] path = target.getBytes(StandardCharsets.UTF_8);
        if (path.length > 0 && path[0] == '@') {
            path[0] = 0;
        }
        return path;
    }

    /** Sends one state message ("READY=1", "STOPPING=1", ...); failures are only logged, as libvirt does. */
    public boolean send(String state) {
        if (!enabled()) {
            LOG.debugf("Skipping systemd notify, not requested");
            return false;
        }
        byte[] addr = address(target);
        if (addr.length > SUN_PATH_MAX) {
            LOG.warnf("Systemd notify socket path '%s' too long", target);
            return false;
        }
        Socket socket = null;
        try {
            Epoll.ensureAvailability();
            socket = Socket.newSocketDomainDgram();
            byte[] msg = state.getBytes(StandardCharsets.UTF_8);
            ByteBuffer buf = ByteBuffer.allocateDirect(msg.length);
            buf.put(msg).flip();
            int sent = socket.sendToDomainSocket(buf, 0, msg.length, addr);
            return sent == msg.length;
        } catch (Throwable e) {
            LOG.warnf("Failed to notify systemd: %s", e.getMessage());
            return false;
        } finally {
            if (socket != null) {
                try {
                    socket.close();
                } catch (java.io.IOException ignored) {
                    // nothing to do
                }
            }
        }
    }
}
