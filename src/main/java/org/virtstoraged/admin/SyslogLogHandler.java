package org.virtstoraged.admin;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.logging.LogRecord;

/**
 * The "PRIO:syslog:IDENT" output (virLogOutputToSyslog): libvirt calls openlog(ident, 0, 0) and
 * syslog(severity, "%s", msg), so glibc sends to /dev/log the datagram
 * "&lt;PRI&gt;Mmm dd hh:mm:ss IDENT: MSG" with the default facility LOG_USER, no "[pid]" (no LOG_PID),
 * and MSG libvirt's formatted line "THREAD: PRIORITY : MESSAGE\n" (virLogFormatString).
 */
final class SyslogLogHandler extends UnixDatagramLogHandler {
    static final String DEV_LOG = "/dev/log";
    /** LOG_USER, glibc's facility when openlog() is given 0. */
    static final int FACILITY = 1;
    /** glibc's "%h %e %T" in the C locale. */
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("MMM ppd HH:mm:ss", Locale.ROOT);

    private final String ident;
    private final Clock clock;

    SyslogLogHandler(String ident) {
        this(ident, DEV_LOG, Clock.systemDefaultZone());
    }

    SyslogLogHandler(String ident, String socketPath, Clock clock) {
        super(socketPath);
        this.ident = ident;
        this.clock = clock;
    }

    @Override
    byte[] datagram(LogRecord r) {
        int priority = LoggingControl.priorityOf(r.getLevel());
        int pri = FACILITY * 8 + syslogSeverity(priority);
        String msg = r.getLongThreadID() + ": " + priorityString(priority) + " : " + message(r) + "\n";
        String line = "<" + pri + ">" + TIMESTAMP.format(ZonedDateTime.now(clock)) + " "
                + (ident.isEmpty() ? "" : ident + ": ") + msg;
        return line.getBytes(StandardCharsets.UTF_8);
    }
}
