package org.virtstoraged.rpc.remote;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Every procedure of libvirt 9.0's remote program, read from remote-procedures.tsv (generated from
 * libvirt's protocol file by src/tools/gen-procedure-tables.py).
 */
public final class RemoteProcedures {
    private static final Map<Integer, ProcedureInfo> BY_NUMBER = load();

    private RemoteProcedures() {
    }

    public static Optional<ProcedureInfo> find(int number) {
        return Optional.ofNullable(BY_NUMBER.get(number));
    }

    /** Every procedure, in no particular order. */
    public static java.util.Collection<ProcedureInfo> all() {
        return BY_NUMBER.values();
    }

    public static int count() {
        return BY_NUMBER.size();
    }

    private static Map<Integer, ProcedureInfo> load() {
        var in = RemoteProcedures.class.getResourceAsStream("/org/virtstoraged/rpc/remote-procedures.tsv");
        if (in == null) {
            throw new IllegalStateException("remote-procedures.tsv missing from the class path");
        }
        Map<Integer, ProcedureInfo> map = new HashMap<>();
        try (var reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line; (line = reader.readLine()) != null; ) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split("\t");
                int number = Integer.parseInt(f[0]);
                map.put(number, new ProcedureInfo(number, f[1], f[2], Integer.parseInt(f[3]), f[4], f[5], f[6]));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.copyOf(map);
    }
}
