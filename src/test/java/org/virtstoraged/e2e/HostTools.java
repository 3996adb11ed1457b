package org.virtstoraged.e2e;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;

/**
 * The Debian tools the end-to-end tests drive. A missing tool fails the test and names the package to
 * install; it never skips silently.
 */
final class HostTools {
    private HostTools() {
    }

    static String require(String command, String debianPackage) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            File f = new File(dir, command);
            if (f.canExecute()) {
                return f.getAbsolutePath();
            }
        }
        fail("'" + command + "' is not installed: install the Debian package " + debianPackage
                + " (apt-get install -y " + debianPackage + ")");
        return null;
    }

    static String virsh() {
        return require("virsh", "libvirt-clients");
    }
}
