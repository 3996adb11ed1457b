package org.virtstoraged.storage;

/**
 * libvirt's virFileSanitizePath: collapses repeated slashes and drops a trailing one, keeps a leading
 * "//" (valid POSIX) and leaves URIs alone. Lookups by path compare sanitized paths.
 */
public final class PathSanitizer {
    private PathSanitizer() {
    }

    public static String sanitize(String path) {
        int uri = path.indexOf("://");
        if (uri >= 0 && path.indexOf('/') > uri) {
            return path;
        }
        StringBuilder clean = new StringBuilder(path.length());
        int i = 0;
        if (path.length() > 2 && path.charAt(0) == '/' && path.charAt(1) == '/' && path.charAt(2) != '/') {
            clean.append("//");
            i = 2;
        } else if (path.equals("//")) {
            return "//";
        }
        while (i < path.length()) {
            char c = path.charAt(i);
            if (c != '/') {
                clean.append(c);
                i++;
                continue;
            }
            while (i < path.length() && path.charAt(i) == '/') {
                i++;
            }
            if (clean.length() != 0 && i == path.length()) {
                break;
            }
            clean.append('/');
        }
        return clean.toString();
    }
}
