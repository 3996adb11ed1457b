package org.virtstoraged.storage.backend;

import java.util.List;
import org.virtstoraged.storage.model.PoolDefinition;
import org.virtstoraged.storage.model.VolumeDefinition;

/** What a pool refresh found: the live definition with its measured sizes, and the volumes. */
public record RefreshedPool(PoolDefinition definition, List<VolumeDefinition> volumes) {
}
