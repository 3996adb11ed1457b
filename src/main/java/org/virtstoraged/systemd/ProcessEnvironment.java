package org.virtstoraged.systemd;

import java.lang.reflect.Field;
import java.util.Collection;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Removes variables from this JVM's copy of the environment, which System.getenv() shows and every
 * process it starts inherits: Java has no unsetenv(3). This reaches into java.lang.ProcessEnvironment,
 * which the runner jar opens (Add-Opens: java.base/java.lang in its manifest); where that is not
 * allowed, the variables stay and a debug message says so (children could then see a LISTEN_PID
 * that is not theirs, which sd_listen_fds(3) in them ignores).
 */
public final class ProcessEnvironment {
    private static final Logger LOG = Logger.getLogger(ProcessEnvironment.class);

    private ProcessEnvironment() {
    }

    /** Returns whether the variables are gone from System.getenv(). */
    public static boolean unset(Collection<String> names) {
        try {
            // System.getenv() is a view of this map, and ProcessBuilder copies it for each child
            Field f = Class.forName("java.lang.ProcessEnvironment").getDeclaredField("theEnvironment");
            f.setAccessible(true);
            ((Map<?, ?>) f.get(null)).keySet().removeIf(k -> names.contains(k.toString()));
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.debugf("cannot remove %s from the environment: %s", names, e);
        }
        Map<String, String> now = System.getenv();
        return names.stream().noneMatch(now::containsKey);
    }
}
