package org.virtstoraged.admin;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.logging.LogRecord;
import org.jboss.logmanager.ExtLogRecord;

/**
 * The "PRIO:journald" output (virLogOutputToJournald): one datagram in the journal's native protocol
 * to /run/systemd/journal/socket with the fields MESSAGE, PRIORITY, SYSLOG_FACILITY=3 (daemon),
 * LIBVIRT_SOURCE (the module), CODE_FILE, CODE_LINE, CODE_FUNC. Each field is "KEY=value\n", or, when
 * the value holds a newline, "KEY\n", its length as a little-endian 64-bit number, the value, "\n".
 * libvirt passes a too-large message through a memfd; here it is dropped.
 */
final class JournaldLogHandler extends UnixDatagramLogHandler {
    static final String JOURNAL_SOCKET = "/run/systemd/journal/socket";
    /** LOG_DAEMON without the shift, RFC 5424 section 6.2.1. */
    static final int FACILITY = 3;

    JournaldLogHandler() {
        this(JOURNAL_SOCKET);
    }

    JournaldLogHandler(String socketPath) {
        super(socketPath);
    }

    @Override
    byte[] datagram(LogRecord r) {
        int priority = LoggingControl.priorityOf(r.getLevel());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        addString(out, "MESSAGE", message(r));
        addString(out, "PRIORITY", Integer.toString(syslogSeverity(priority)));
        addString(out, "SYSLOG_FACILITY", Integer.toString(FACILITY));
        addString(out, "LIBVIRT_SOURCE", LoggingControl.moduleOf(r.getLoggerName()));
        String file = null;
        int line = 0;
        if (r instanceof ExtLogRecord e) {
            file = e.getSourceFileName();
            line = Math.max(e.getSourceLineNumber(), 0);
        }
        if (file != null) {
            addString(out, "CODE_FILE", file);
        }
        addString(out, "CODE_LINE", Integer.toString(line));
        String cls = r.getSourceClassName();
        String method = r.getSourceMethodName();
        if (method != null) {
            addString(out, "CODE_FUNC", cls != null ? cls + "." + method : method);
        }
        return out.toByteArray();
    }

    /** journalAddString. */
    static void addString(ByteArrayOutputStream out, String field, String value) {
        byte[] key = field.getBytes(StandardCharsets.UTF_8);
        byte[] v = value.getBytes(StandardCharsets.UTF_8);
        out.writeBytes(key);
        if (value.indexOf('\n') >= 0) {
            out.write('\n');
            long n = v.length;
            for (int i = 0; i < 8; i++) {
                out.write((int) (n >>> (8 * i)) & 0xff);
            }
        } else {
            out.write('=');
        }
        out.writeBytes(v);
        out.write('\n');
    }
}
