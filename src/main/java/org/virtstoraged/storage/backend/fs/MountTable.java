package org.virtstoraged.storage.backend.fs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.virtstoraged.storage.SystemErrors;
import org.virtstoraged.storage.model.PoolDefinition;

/**
 * virStorageBackendFileSystemIsMounted: libvirt reads _PATH_MOUNTED (/etc/mtab, on Debian a link to
 * /proc/self/mounts) with getmntent and looks for an entry whose mount point and source both equal the pool's,
 * each compared after resolving links (virFileComparePaths; a name that cannot be resolved, as "proc" or
 * "host:/dir", is compared as it is). This reads /proc/self/mounts directly: the same table.
 */
public final class MountTable {
    static final Path PROC_MOUNTS = Path.of("/proc/self/mounts");
    /** What libvirt names in its error: _PATH_MOUNTED. */
    static final String PATH_MOUNTED = "/etc/mtab";

    private final Path table;

    public MountTable() {
        this(PROC_MOUNTS);
    }

    public MountTable(Path table) {
        this.table = table;
    }

    /** One getmntent entry: the file system's name and its mount point, octal escapes decoded. */
    record Entry(String source, String target) {
    }

    List<Entry> entries() {
        List<String> lines;
        try {
            lines = Files.readAllLines(table);
        } catch (IOException e) {
            throw SystemErrors.of(e, "cannot read mount list '%s'", PATH_MOUNTED);
        }
        List<Entry> entries = new ArrayList<>();
        for (String line : lines) {
            String trimmed = line.stripLeading();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            String[] fields = trimmed.split("[ \t]+");
            if (fields.length < 2) {
                continue;
            }
            entries.add(new Entry(decode(fields[0]), decode(fields[1])));
        }
        return entries;
    }

    /** Whether the pool's source is mounted on its target. */
    public boolean isMounted(PoolDefinition def) {
        String source = MountCommand.poolSource(def);
        String target = def.targetPath().orElseThrow();
        for (Entry e : entries()) {
            if (samePath(e.target(), target) && samePath(e.source(), source)) {
                return true;
            }
        }
        return false;
    }

    /** Whether a file system named exactly {@code source} is mounted exactly on {@code target} (no link resolving). */
    public boolean hasEntry(String source, String target) {
        return entries().stream().anyMatch(e -> e.source().equals(source) && e.target().equals(target));
    }

    /** virFileComparePaths */
    static boolean samePath(String a, String b) {
        return resolve(a).equals(resolve(b));
    }

    private static String resolve(String p) {
        try {
            return Path.of(p).toRealPath().toString();
        } catch (IOException | RuntimeException e) {
            return p;
        }
    }

    /** getmntent's decoding of \040 (space), \011 (tab), \012 (newline) and \134 (backslash). */
    static String decode(String field) {
        if (field.indexOf('\\') < 0) {
            return field;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && i + 3 < field.length()) {
                String code = field.substring(i + 1, i + 4);
                String decoded = switch (code) {
                    case "040" -> " ";
                    case "011" -> "\t";
                    case "012" -> "\n";
                    case "134" -> "\\";
                    default -> null;
                };
                if (decoded != null) {
                    sb.append(decoded);
                    i += 3;
                    continue;
                }
            }
            sb.append(c);
        }
        return sb.toString();
    }
}
