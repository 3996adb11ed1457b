package org.virtstoraged.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnixAccountsTest {
    @TempDir
    Path dir;

    @Test
    void namesAnIdByItsThirdField() throws Exception {
        Path group = Files.writeString(dir.resolve("group"), "root:x:0:\nkvm:x:104:alice\nlvbench:x:1001:\n");
        assertEquals(Optional.of("kvm"), UnixAccounts.nameOf(group, 104));
        assertEquals(Optional.of("root"), UnixAccounts.nameOf(group, 0));
        assertEquals(Optional.empty(), UnixAccounts.nameOf(group, 10));
        assertEquals(Optional.empty(), UnixAccounts.nameOf(dir.resolve("absent"), 0));
    }

    @Test
    void startTimeIsTheKernelsFieldForThisProcessAndEmptyForNone() throws Exception {
        long pid = ProcessHandle.current().pid();
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        long expected = Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[19]);
        assertEquals(OptionalLong.of(expected), UnixAccounts.startTime(pid));
        assertTrue(UnixAccounts.startTime(Integer.MAX_VALUE).isEmpty());
    }
}
