package org.virtstoraged.admin;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.unix.Socket;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.SimpleFormatter;
import org.jboss.logmanager.ExtLogRecord;

/**
 * A log output that sends each record as one datagram to a Unix datagram socket: the base of the
 * syslog (/dev/log) and journald (/run/systemd/journal/socket) outputs. Java's own Unix sockets are
 * stream-only, so the datagram goes through Netty's native socket layer, as {@code SdNotify} does.
 * The socket is non-blocking: a missing, full or unreachable socket drops the record silently, as
 * libvirt does; nothing is ever thrown into the logger.
 */
abstract class UnixDatagramLogHandler extends Handler {
    private static final SimpleFormatter FORMATTER = new SimpleFormatter();

    /** Records logged while sending (by Netty, say) are dropped rather than recursing. */
    private static final ThreadLocal<Boolean> SENDING = new ThreadLocal<>();

    private final byte[] address;
    private Socket socket;
    private boolean closed;

    UnixDatagramLogHandler(String socketPath) {
        this.address = socketPath.getBytes(StandardCharsets.UTF_8);
        setLevel(Level.ALL);
    }

    /** The datagram for one record, or null to send nothing. */
    abstract byte[] datagram(LogRecord record);

    @Override
    public void publish(LogRecord record) {
        if (record == null || SENDING.get() != null || !isLoggable(record)) {
            return;
        }
        SENDING.set(Boolean.TRUE);
        try {
            byte[] msg = datagram(record);
            if (msg != null) {
                send(msg);
            }
        } catch (Throwable e) {
            // dropped, as libvirt drops what it cannot send
        } finally {
            SENDING.remove();
        }
    }

    private synchronized void send(byte[] msg) throws Exception {
        if (closed) {
            return;
        }
        if (socket == null) {
            Epoll.ensureAvailability();
            socket = Socket.newSocketDomainDgram();
        }
        ByteBuffer buf = ByteBuffer.allocateDirect(msg.length);
        buf.put(msg).flip();
        socket.sendToDomainSocket(buf, 0, msg.length, address);
    }

    @Override
    public void flush() {
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (socket != null) {
            try {
                socket.close();
            } catch (Exception ignored) {
                // nothing to do
            }
            socket = null;
        }
    }

    /** libvirt's rawstr: the message itself, then the stack trace of an exception if there is one. */
    static String message(LogRecord r) {
        String text = r instanceof ExtLogRecord e ? e.getFormattedMessage() : FORMATTER.formatMessage(r);
        if (text == null) {
            text = "";
        }
        if (r.getThrown() != null) {
            StringWriter sw = new StringWriter();
            r.getThrown().printStackTrace(new PrintWriter(sw));
            text = text + "\n" + sw.toString().stripTrailing();
        }
        return text;
    }

    /** virLogPrioritySyslog: libvirt's priority 1..4 as a syslog severity. */
    static int syslogSeverity(int priority) {
        return switch (priority) {
            case LoggingControl.DEBUG -> 7;
            case LoggingControl.INFO -> 6;
            case LoggingControl.WARN -> 4;
            default -> 3;
        };
    }

    /** virLogPriorityString. */
    static String priorityString(int priority) {
        return switch (priority) {
            case LoggingControl.DEBUG -> "debug";
            case LoggingControl.INFO -> "info";
            case LoggingControl.WARN -> "warning";
            default -> "error";
        };
    }
}
