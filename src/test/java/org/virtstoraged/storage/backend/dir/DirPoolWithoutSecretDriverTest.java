package org.virtstoraged.storage.backend.dir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.ErrorDomain;
import org.virtstoraged.error.VirException;
import org.virtstoraged.storage.command.RecordingCommandRunner;
import org.virtstoraged.storage.model.PoolDefinition;
import org.virtstoraged.storage.model.PoolType;
import org.virtstoraged.storage.model.VolumeDefinition;
import org.virtstoraged.storage.model.VolumeEncryption;

/**
 * A dir backend built without a secret driver (as tests build it) refuses an encrypted volume as the daemon does
 * when the secret driver does not know the secret, and leaves nothing behind: no volume, no passphrase file,
 * no qemu-img run.
 */
class DirPoolWithoutSecretDriverTest {
    @TempDir
    Path dir;

    @Test
    void anEncryptedCreateFailsOnTheUnknownSecret() throws IOException {
        RecordingCommandRunner runner = new RecordingCommandRunner();
        DirPoolBackend backend = new DirPoolBackend(runner);
        PoolDefinition pool = PoolDefinition.builder(PoolType.DIR, "p", "6f1e2d3c-0000-4000-8000-000000000001").targetPath(dir.toString()).build();
        String uuid = "2c9a8c1e-55d4-4b8e-9d1a-0000000000ff";
        VolumeDefinition vol = backend.createVol(pool, VolumeDefinition.builder("l.img").targetFormat("raw")
                .capacity(1 << 20).encryption(new VolumeEncryption(VolumeEncryption.Format.LUKS, null,
                        List.of(VolumeEncryption.Secret.byUuid(uuid)), null, null)).build());

        VirException e = assertThrows(VirException.class, () -> backend.buildVol(pool, vol, 0));

        assertEquals(ErrorCode.NO_SECRET, e.code());
        assertEquals(ErrorDomain.SECRET.number(), e.domain());
        assertEquals("Secret not found: no secret with matching uuid '" + uuid + "'", e.getMessage());
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(List.of(), left.toList());
        }
        assertEquals(List.of(), runner.commandsOf("qemu-img"));
    }
}
