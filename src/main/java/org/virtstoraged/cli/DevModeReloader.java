package org.virtstoraged.cli;

import io.quarkus.dev.console.DevConsoleManager;
import io.quarkus.dev.spi.HotReplacementContext;
import io.quarkus.runtime.LaunchMode;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Live reload for `mvn quarkus:dev`. Quarkus rescans sources when an HTTP request arrives or `s` is
 * pressed; a daemon on Unix sockets has neither, so in dev mode we ask for a scan every two seconds.
 * A change restarts the application, which closes the sockets and serves the next connection anew.
 */
final class DevModeReloader {
    private static final Logger LOG = Logger.getLogger(DevModeReloader.class);
    private static final long PERIOD_MILLIS = 2000;

    private ScheduledExecutorService timer;

    void start() {
        if (LaunchMode.current() != LaunchMode.DEVELOPMENT) {
            return;
        }
        HotReplacementContext context = DevConsoleManager.getHotReplacementContext();
        if (context == null) {
            return;
        }
        // Not a Vert.x thread: the scan may restart the application, which stops Vert.x itself.
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "virtstoraged-dev-reload");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(() -> {
            try {
                context.doScan(false);
            } catch (Exception e) {
                LOG.warnf("live reload scan failed: %s", e.getMessage());
            }
        }, PERIOD_MILLIS, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
    }

    void stop() {
        if (timer != null) {
            timer.shutdown();
        }
    }
}
