package org.virtstoraged.admin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.unix.DomainDatagramSocketAddress;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.Socket;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.ErrorManager;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The syslog and journald outputs, sending to a real Unix datagram socket bound in a temporary directory. */
class DatagramLogHandlerTest {
    @TempDir
    Path dir;

    /** A bound datagram socket standing for /dev/log or the journal's socket. */
    private static final class Receiver implements AutoCloseable {
        final Socket socket;

        Receiver(Path path) throws Exception {
            Epoll.ensureAvailability();
            socket = Socket.newSocketDomainDgram();
            socket.bind(new DomainSocketAddress(path.toString()));
        }

        List<byte[]> drain() throws Exception {
            List<byte[]> out = new ArrayList<>();
            ByteBuffer buf = ByteBuffer.allocateDirect(65536);
            while (true) {
                buf.clear();
                DomainDatagramSocketAddress from = socket.recvFromDomainSocket(buf, 0, buf.capacity());
                if (from == null) {
                    return out;
                }
                byte[] bytes = new byte[from.receivedAmount()];
                buf.get(0, bytes);
                out.add(bytes);
            }
        }

        @Override
        public void close() throws Exception {
            socket.close();
        }
    }

    private static LogRecord record(Level level, String logger, String msg, Object... params) {
        LogRecord r = new LogRecord(level, msg);
        r.setLoggerName(logger);
        r.setParameters(params.length == 0 ? null : params);
        r.setSourceClassName("org.virtstoraged.storage.Pools");
        r.setSourceMethodName("refresh");
        return r;
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void syslogSendsGlibcFormattedDatagrams() throws Exception {
        Path sock = dir.resolve("log");
        Clock clock = Clock.fixed(Instant.parse("2024-03-05T07:08:09Z"), ZoneOffset.UTC);
        try (Receiver rx = new Receiver(sock)) {
            SyslogLogHandler h = new SyslogLogHandler("virtstoraged", sock.toString(), clock);
            LogRecord warn = record(Level.WARNING, "org.virtstoraged.storage", "pool {0} is gone", "default");
            LogRecord err = record(Level.SEVERE, "org.virtstoraged.rpc", "boom");
            LogRecord info = record(Level.INFO, "x", "hello");
            LogRecord debug = record(Level.FINE, "x", "detail");
            h.publish(warn);
            h.publish(err);
            h.publish(info);
            h.publish(debug);
            h.close();
            List<String> got = rx.drain().stream().map(DatagramLogHandlerTest::text).toList();
            assertEquals(List.of(
                    "<12>Mar  5 07:08:09 virtstoraged: " + warn.getLongThreadID() + ": warning : pool default is gone\n",
                    "<11>Mar  5 07:08:09 virtstoraged: " + err.getLongThreadID() + ": error : boom\n",
                    "<14>Mar  5 07:08:09 virtstoraged: " + info.getLongThreadID() + ": info : hello\n",
                    "<15>Mar  5 07:08:09 virtstoraged: " + debug.getLongThreadID() + ": debug : detail\n"), got);
        }
    }

    @Test
    void journaldSendsNativeProtocolFields() throws Exception {
        Path sock = dir.resolve("journal.socket");
        try (Receiver rx = new Receiver(sock)) {
            JournaldLogHandler h = new JournaldLogHandler(sock.toString());
            h.publish(record(Level.WARNING, "org.virtstoraged.storage.pool", "pool {0} is gone", "default"));
            h.publish(record(Level.FINE, "org.virtstoraged.rpc", "line one\nline two"));
            h.close();
            List<byte[]> got = rx.drain();
            assertEquals(2, got.size());
            assertEquals("MESSAGE=pool default is gone\n"
                    + "PRIORITY=4\n"
                    + "SYSLOG_FACILITY=3\n"
                    + "LIBVIRT_SOURCE=storage.pool\n"
                    + "CODE_LINE=0\n"
                    + "CODE_FUNC=org.virtstoraged.storage.Pools.refresh\n", text(got.get(0)));

            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            expected.writeBytes("MESSAGE\n".getBytes(StandardCharsets.US_ASCII));
            expected.writeBytes(new byte[] {17, 0, 0, 0, 0, 0, 0, 0});
            expected.writeBytes(("line one\nline two\n"
                    + "PRIORITY=7\n"
                    + "SYSLOG_FACILITY=3\n"
                    + "LIBVIRT_SOURCE=rpc\n"
                    + "CODE_LINE=0\n"
                    + "CODE_FUNC=org.virtstoraged.storage.Pools.refresh\n").getBytes(StandardCharsets.UTF_8));
            assertArrayEquals(expected.toByteArray(), got.get(1));
        }
    }

    @Test
    void journaldTakesFileAndLineFromJBossRecords() throws Exception {
        Path sock = dir.resolve("journal2.socket");
        try (Receiver rx = new Receiver(sock)) {
            JournaldLogHandler h = new JournaldLogHandler(sock.toString());
            org.jboss.logmanager.ExtLogRecord r = new org.jboss.logmanager.ExtLogRecord(Level.SEVERE,
                    "volume %s: %d bytes", org.jboss.logmanager.ExtLogRecord.FormatStyle.PRINTF, "x");
            r.setParameters(new Object[] {"a.img", 42});
            r.setLoggerName("org.virtstoraged.storage");
            r.setSourceClassName("org.virtstoraged.storage.Volumes");
            r.setSourceMethodName("create");
            r.setSourceFileName("Volumes.java");
            r.setSourceLineNumber(123);
            h.publish(r);
            h.close();
            List<byte[]> got = rx.drain();
            assertEquals(1, got.size());
            assertEquals("MESSAGE=volume a.img: 42 bytes\n"
                    + "PRIORITY=3\n"
                    + "SYSLOG_FACILITY=3\n"
                    + "LIBVIRT_SOURCE=storage\n"
                    + "CODE_FILE=Volumes.java\n"
                    + "CODE_LINE=123\n"
                    + "CODE_FUNC=org.virtstoraged.storage.Volumes.create\n", text(got.get(0)));
        }
    }

    @Test
    void aMissingSocketDropsRecordsSilentlyAndLaterOnesArriveOnceItExists() throws Exception {
        Path syslog = dir.resolve("log");
        Path journal = dir.resolve("journal.socket");
        SyslogLogHandler s = new SyslogLogHandler("x", syslog.toString(), Clock.systemUTC());
        JournaldLogHandler j = new JournaldLogHandler(journal.toString());
        List<String> reported = new ArrayList<>();
        for (var h : List.of(s, j)) {
            // "silently": nothing reaches the handler's ErrorManager, which would print to stderr
            h.setErrorManager(new ErrorManager() {
                @Override
                public synchronized void error(String msg, Exception ex, int code) {
                    reported.add(code + ": " + msg + ": " + ex);
                }
            });
        }
        for (int i = 0; i < 3; i++) {
            assertDoesNotThrow(() -> s.publish(record(Level.SEVERE, "x", "lost")));
            assertDoesNotThrow(() -> j.publish(record(Level.SEVERE, "x", "lost")));
        }
        // the sockets appear (syslogd, journald started): the handlers were not broken by the misses, and
        // nothing of the dropped records was kept to be sent late
        try (Receiver rxSyslog = new Receiver(syslog); Receiver rxJournal = new Receiver(journal)) {
            s.publish(record(Level.SEVERE, "x", "delivered"));
            j.publish(record(Level.SEVERE, "x", "delivered"));
            List<String> toSyslog = rxSyslog.drain().stream().map(DatagramLogHandlerTest::text).toList();
            List<String> toJournal = rxJournal.drain().stream().map(DatagramLogHandlerTest::text).toList();
            assertEquals(1, toSyslog.size(), toSyslog.toString());
            assertTrue(toSyslog.get(0).endsWith(": error : delivered\n"), toSyslog.get(0));
            assertEquals(1, toJournal.size(), toJournal.toString());
            assertTrue(toJournal.get(0).startsWith("MESSAGE=delivered\nPRIORITY=3\n"), toJournal.get(0));

            // closed, they send nothing more, and still throw nothing
            s.close();
            j.close();
            assertDoesNotThrow(() -> s.publish(record(Level.SEVERE, "x", "after close")));
            assertDoesNotThrow(() -> j.publish(record(Level.SEVERE, "x", "after close")));
            assertEquals(List.of(), rxSyslog.drain());
            assertEquals(List.of(), rxJournal.drain());
        }
        assertEquals(List.of(), reported);
    }
}
