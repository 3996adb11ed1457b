package org.virtstoraged.e2e;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** One transcript step as expected and as answered, shown as a unified diff of their pretty-printed JSON. */
final class TranscriptDiff {
    private TranscriptDiff() {
    }

    /** @param work a directory for the two files diff compares */
    static String of(Path work, String expectedLabel, JsonObject want, JsonObject got) throws Exception {
        Path e = Files.writeString(work.resolve("want.json"), Json.encodePrettily(want) + "\n");
        Path a = Files.writeString(work.resolve("got.json"), Json.encodePrettily(got) + "\n");
        return Commands.run(List.of("diff", "-u", "--label", expectedLabel, "--label", "ours", e.toString(),
                a.toString()), Map.of(), null, 30).stdout();
    }
}
