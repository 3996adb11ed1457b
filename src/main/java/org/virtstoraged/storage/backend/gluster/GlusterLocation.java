package org.virtstoraged.storage.backend.gluster;

import java.nio.charset.StandardCharsets;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.ErrorDomain;
import org.virtstoraged.error.VirException;
import org.virtstoraged.storage.model.PoolDefinition;
import org.virtstoraged.storage.model.PoolHost;

/**
 * Where a gluster pool's files are (libvirt's virStorageBackendGlusterState without the connection): the
 * volume, the directory in it (always starting and ending in '/') and the volfile server, and the
 * {@code gluster://HOST[:PORT]/VOLUME/DIR/NAME} URIs that name the pool and its volumes (formatted as
 * libvirt's virURIFormat does through libxml2: the host as given, IPv6 in brackets, the path escaped).
 */
public record GlusterLocation(String volume, String dir, String host, int port) {

    /** virStorageBackendGlusterOpen's checks of the definition, with its messages. */
    public static GlusterLocation of(PoolDefinition pool) {
        String name = pool.source().name().orElse("");
        if (name.contains("/")) {
            throw VirException.of(ErrorCode.XML_ERROR, ErrorDomain.STORAGE, "gluster pool name '%s' must not contain /",
                    name);
        }
        String dir = pool.source().dir().orElse(null);
        String normalized;
        if (dir == null) {
            normalized = "/";
        } else if (!dir.startsWith("/")) {
            throw VirException.of(ErrorCode.XML_ERROR, ErrorDomain.STORAGE, "gluster pool path '%s' must start with /",
                    dir);
        } else {
            normalized = dir.endsWith("/") ? dir : dir + "/";
        }
        PoolHost host = pool.source().hosts().get(0);
        return new GlusterLocation(name, normalized, host.name(), host.port());
    }

    /** The pool's own URI, as libvirt names it in "failed to connect to %s". */
    public String uri() {
        return format("/" + volume + dir);
    }

    /** A volume's path and key. */
    public String volumeUri(String name) {
        return format("/" + volume + dir + name);
    }

    /** The file's path inside the gluster volume (what gfapi calls take). */
    public String pathOf(String name) {
        return dir + name;
    }

    private String format(String path) {
        StringBuilder b = new StringBuilder("gluster://");
        b.append(host.indexOf(':') >= 0 ? "[" + host + "]" : host);
        if (port > 0) {
            b.append(':').append(port);
        }
        return b.append(escapePath(path)).toString();
    }

    /** libxml2's xmlSaveUri for a path: unreserved characters and "/;@&=+$," as they are, others %XX. */
    static String escapePath(String path) {
        StringBuilder b = new StringBuilder();
        for (byte c : path.getBytes(StandardCharsets.UTF_8)) {
            int v = c & 0xff;
            if ((v >= 'a' && v <= 'z') || (v >= 'A' && v <= 'Z') || (v >= '0' && v <= '9')
                    || "-_.!~*'()/;@&=+$,".indexOf(v) >= 0) {
                b.append((char) v);
            } else {
                b.append('%').append(Character.toUpperCase(Character.forDigit(v >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(v & 0xf, 16)));
            }
        }
        return b.toString();
    }
}
