package org.virtstoraged.systemd;

import java.io.FileDescriptor;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

/**
 * The little fcntl(2) an activated daemon needs on a passed descriptor. An activator may hand over
 * a blocking socket (systemd-socket-activate does), while Netty's accept loop needs O_NONBLOCK, as
 * libvirt sets it on every passed socket. Java reaches fcntl only through the JDK's own
 * sun.nio.ch.IOUtil, which the runner jar exports to the application (Add-Exports in its manifest).
 */
public final class Descriptors {
    private Descriptors() {
    }

    /** Sets O_NONBLOCK on the descriptor. */
    public static void setNonBlocking(int fd) throws IOException {
        try {
            Class<?> io = Class.forName("sun.nio.ch.IOUtil");
            Method newFd = io.getMethod("newFD", int.class);
            Method configure = io.getMethod("configureBlocking", FileDescriptor.class, boolean.class);
            configure.invoke(null, newFd.invoke(null, fd), false);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IOException("cannot make descriptor " + fd + " non-blocking (is java.base/sun.nio.ch exported?): "
                    + e, e);
        }
    }

    /** Closes a descriptor nobody will use. */
    public static void close(int fd) {
        try {
            new io.netty.channel.unix.FileDescriptor(fd).close();
        } catch (IOException | RuntimeException | LinkageError ignored) {
            // it was not ours to keep anyway
        }
    }
}
