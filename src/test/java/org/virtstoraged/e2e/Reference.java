package org.virtstoraged.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** Outputs recorded from libvirt 9.0's daemon (src/test/resources/e2e/libvirtd-9.0). */
final class Reference {
    private Reference() {
    }

    static CommandResult of(String name, String socket) throws IOException {
        return new CommandResult(read(name + ".stdout").replace("@SOCKET@", socket), read(name + ".stderr"),
                Integer.parseInt(read(name + ".exit").trim()));
    }

    private static String read(String file) throws IOException {
        try (InputStream in = Reference.class.getResourceAsStream("/e2e/libvirtd-9.0/" + file)) {
            if (in == null) {
                throw new IOException("no recorded reference output " + file);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
