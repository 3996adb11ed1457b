package org.virtstoraged.dispatch;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.VirException;
import org.virtstoraged.rpc.remote.ProcedureInfo;

/**
 * Which remote procedures a read-only connection may call. libvirt decides it in the public API
 * function the daemon calls for a procedure (virCheckReadOnlyGoto right after the object checks), so
 * the refusal comes after "connection not open" and before anything else: argument checks, lookups,
 * "not supported". The table, remote-readonly.tsv, is derived from libvirt 9.0's src/libvirt-*.c by
 * src/tools/gen-procedure-tables.py.
 */
public final class ReadOnlyAccess {
    /** What the procedure's API function does on a read-only connection. */
    public enum Access {
        /** never refuses it */
        ANY,
        /** always refuses it: "operation forbidden: read only access prevents virXxx" */
        READ_WRITE,
        /** refuses it only for some arguments (a flag); not modelled, served as ANY */
        CONDITIONAL
    }

    private static final Map<Integer, Access> BY_NUMBER = load();

    private ReadOnlyAccess() {
    }

    /** The access rule of a procedure; ANY for numbers libvirt does not define. */
    public static Access of(int number) {
        return BY_NUMBER.getOrDefault(number, Access.ANY);
    }

    public static int count() {
        return BY_NUMBER.size();
    }

    /** Throws libvirt's refusal when a read-only client calls a procedure that needs write access. */
    static void check(ClientContext client, ProcedureInfo info) {
        if (client.isReadOnly() && of(info.number()) == Access.READ_WRITE) {
            throw VirException.of(ErrorCode.OPERATION_DENIED, info.errorDomain(), "read only access prevents %s",
                    info.api());
        }
    }

    private static Map<Integer, Access> load() {
        var in = ReadOnlyAccess.class.getResourceAsStream("/org/virtstoraged/rpc/remote-readonly.tsv");
        if (in == null) {
            throw new IllegalStateException("remote-readonly.tsv missing from the class path");
        }
        Map<Integer, Access> map = new HashMap<>();
        try (var reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line; (line = reader.readLine()) != null; ) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split("\t");
                map.put(Integer.parseInt(f[0]), Access.valueOf(f[3].toUpperCase().replace('-', '_')));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.copyOf(map);
    }
}
