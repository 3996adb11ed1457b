package org.virtstoraged.secret.client;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.VirException;

/**
 * The token libvirt 9.0's daemons share to recognise each other (virIdentityEnsureSystemToken): 32 lowercase
 * hex digits, no newline, in {@code <runtime dir>/libvirt/common/system.token}, mode 0600 in a 0700
 * directory. Whichever daemon comes first writes it, under an fcntl write lock on its first byte, so that
 * daemons starting together (ours and libvirt's) agree on one token.
 */
public final class SystemToken {
    /** TOKEN_STRLEN: 16 random bytes as hex. */
    static final int LENGTH = 32;
    /** RUNSTATEDIR/libvirt/common with libvirt's default runstatedir (LOCALSTATEDIR/run). */
    static final String SYSTEM_DIR = "/var/run/libvirt/common";
    /** VIR_FROM_IDENTITY. */
    static final int FROM_IDENTITY = 53;
    private static final String FILE = "system.token";
    private static final SecureRandom RANDOM = new SecureRandom();

    private SystemToken() {
    }

    /** The token file of a daemon running as root ({@code euidRoot}) or as a user with this environment. */
    public static Path path(boolean euidRoot, Map<String, String> env) {
        Path dir = euidRoot ? Path.of(SYSTEM_DIR) : SecretSocket.userRuntimeDir(env).resolve("common");
        return dir.resolve(FILE);
    }

    /**
     * The token in {@code file}, written first when the file is missing or empty. Synchronized because the
     * JVM refuses overlapping locks of one file from two of its own threads.
     */
    public static synchronized String ensure(Path file) {
        Path dir = file.getParent();
        try {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (IOException e) {
            throw error("Cannot create daemon common directory '%s': %s", dir, e);
        }
        try (FileChannel ch = FileChannel.open(file, java.util.Set.of(StandardOpenOption.READ,
                StandardOpenOption.WRITE, StandardOpenOption.CREATE),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                FileLock lock = ch.lock(0, 1, false)) {
            if (ch.size() == 0) {
                byte[] random = new byte[LENGTH / 2];
                RANDOM.nextBytes(random);
                String token = HexFormat.of().formatHex(random);
                ch.write(ByteBuffer.wrap(token.getBytes(StandardCharsets.US_ASCII)), 0);
                return token;
            }
            return read(ch, file);
        } catch (IOException e) {
            throw error("Unable to open system token %s: %s", file, e);
        }
    }

    private static String read(FileChannel ch, Path file) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(LENGTH + 1);
        while (buf.hasRemaining() && ch.read(buf, buf.position()) > 0) {
            // read to the limit or to the end
        }
        if (buf.position() > LENGTH) {
            throw VirException.of(ErrorCode.SYSTEM_ERROR, FROM_IDENTITY,
                    "Failed to read system token '%s': Value too large for defined data type", file);
        }
        String text = new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII);
        int nul = text.indexOf('\0');
        // libvirt only checks the length (strlen), not the digits
        if ((nul < 0 ? text.length() : nul) != LENGTH) {
            throw VirException.of(ErrorCode.SYSTEM_ERROR, FROM_IDENTITY, "System token in %s was corrupt", file);
        }
        return text;
    }

    private static VirException error(String format, Path path, IOException e) {
        return VirException.of(ErrorCode.SYSTEM_ERROR, FROM_IDENTITY, format, path, e.getMessage());
    }
}
