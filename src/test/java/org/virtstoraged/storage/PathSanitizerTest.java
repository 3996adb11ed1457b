package org.virtstoraged.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PathSanitizerTest {
    @ParameterizedTest
    @CsvSource({
        "/var/lib/images, /var/lib/images",
        "/var/lib/images/, /var/lib/images",
        "/var//lib///images//, /var/lib/images",
        "//server/share, //server/share",
        "///root, /root",
        "/, /",
        "//, //",
        "/../foo, /../foo",
        "relative//dir/, relative/dir",
        "gluster://host//vol, gluster://host//vol",
    })
    void sanitizesAsLibvirt(String input, String expected) {
        assertEquals(expected, PathSanitizer.sanitize(input));
    }
}
