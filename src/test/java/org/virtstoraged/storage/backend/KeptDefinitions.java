package org.virtstoraged.storage.backend;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.virtstoraged.storage.model.PoolDefinition;

/**
 * Test side of {@link StorageBackend.KeptDefinition}: remembers what a backend's start or stop gave its pool and
 * asked for.
 */
public final class KeptDefinitions implements StorageBackend.KeptDefinition {
    private final List<PoolDefinition> live = new ArrayList<>();
    private final List<PoolDefinition> saved = new ArrayList<>();
    private final List<List<Duration>> refreshesLater = new ArrayList<>();

    @Override
    public void live(PoolDefinition changed) {
        live.add(changed);
    }

    @Override
    public void saved(PoolDefinition changed) {
        saved.add(changed);
    }

    @Override
    public void refreshLater(List<Duration> delays) {
        refreshesLater.add(List.copyOf(delays));
    }

    /** Each {@link #refreshLater} asked for, its delays. */
    public List<List<Duration>> refreshesLater() {
        return List.copyOf(refreshesLater);
    }

    public List<PoolDefinition> live() {
        return List.copyOf(live);
    }

    public List<PoolDefinition> saved() {
        return List.copyOf(saved);
    }
}
