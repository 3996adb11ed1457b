package org.virtstoraged.e2e;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Compares our transcript with libvirtd 9.0's recording step by step: each recorded step, with our listed
 * differences put in its place, must equal ours; a field where either daemon may answer one of several values
 * (chance outside both) matches when both answers are among them. A failure shows a unified diff per step.
 */
final class TranscriptComparison {
    private TranscriptComparison() {
    }

    /**
     * @param differences step → field → what ours answers instead of libvirtd's recorded value
     * @param either step → field → the values either daemon may answer
     * @param scratch a directory for the diff's files
     */
    static void assertLibvirtdsWhereLibvirtIsRight(Path recording, Path ours,
            Map<String, Map<String, Object>> differences, Map<String, Map<String, List<Object>>> either, Path scratch)
            throws Exception {
        JsonArray want = new JsonArray(Files.readString(recording));
        JsonArray got = new JsonArray(Files.readString(ours));
        assertFalse(want.isEmpty(), "empty recording " + recording);
        List<String> differing = new ArrayList<>();
        StringBuilder report = new StringBuilder();
        for (int i = 0; i < Math.max(want.size(), got.size()); i++) {
            JsonObject w = i < want.size() ? want.getJsonObject(i).copy() : new JsonObject();
            JsonObject g = i < got.size() ? got.getJsonObject(i) : new JsonObject();
            String step = w.getString("step", g.getString("step"));
            differences.getOrDefault(step, Map.of()).forEach(w::put);
            either.getOrDefault(step, Map.of()).forEach((field, allowed) -> {
                if (allowed.contains(w.getValue(field)) && allowed.contains(g.getValue(field))) {
                    w.put(field, g.getValue(field));
                }
            });
            if (!w.equals(g)) {
                differing.add(step);
                report.append(TranscriptDiff.of(scratch, "libvirtd 9.0: " + step, w, g));
            }
        }
        if (!differing.isEmpty()) {
            fail(differing.size() + " steps differ from libvirtd 9.0's transcript (and our listed differences): "
                    + differing + "\n" + report);
        }
    }
}
