package org.virtstoraged.cli;

import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * What must be undone when the application stops, run inside Quarkus's shutdown (newest first). A dev
 * mode restart starts the new application right after that shutdown, so sockets and the PID file lock
 * must be released there, not later on the old command's thread.
 */
@ApplicationScoped
public class ShutdownActions {
    private final Deque<Runnable> actions = new ArrayDeque<>();

    public synchronized void add(Runnable action) {
        actions.push(action);
    }

    void onShutdown(@Observes ShutdownEvent event) {
        runAll();
    }

    public synchronized void runAll() {
        while (!actions.isEmpty()) {
            actions.pop().run();
        }
    }
}
