package org.virtstoraged.e2e;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A transcript of ours compared step by step with libvirtd 9.0's recording of the same script: every step must
 * be equal, once the recording's fields named in {@code differences} (where libvirt is plainly wrong) are replaced
 * by the answer ours must give, and a field named in {@code either} holds, on both sides, one of the values chance
 * allows. A failure lists the differing steps, each with a unified diff.
 */
final class TranscriptSteps {
    private TranscriptSteps() {
    }

    static void assertMatch(Path recording, Path transcript, Map<String, Map<String, Object>> differences,
            Map<String, Map<String, List<Object>>> either, Path scratch) throws Exception {
        JsonArray want = new JsonArray(Files.readString(recording));
        JsonArray got = new JsonArray(Files.readString(transcript));
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
                report.append(diff(step, w, g, scratch));
            }
        }
        if (!differing.isEmpty()) {
            fail(differing.size() + " steps differ from libvirtd 9.0's transcript (and our listed differences): "
                    + differing + "\n" + report);
        }
    }

    private static String diff(String step, JsonObject want, JsonObject got, Path scratch) throws Exception {
        Path e = Files.writeString(scratch.resolve("want.json"), Json.encodePrettily(want) + "\n");
        Path a = Files.writeString(scratch.resolve("got.json"), Json.encodePrettily(got) + "\n");
        CommandResult d = Commands.run(List.of("diff", "-u", "--label", "libvirtd 9.0: " + step, "--label", "ours",
                e.toString(), a.toString()), Map.of(), null, 30);
        return d.stdout();
    }
}
