package org.virtstoraged.storage.backend.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.virtstoraged.error.VirException;
import org.virtstoraged.storage.model.VolumeDefinition;
import org.virtstoraged.storage.model.VolumeEncryption;

/** The passphrase files handed to qemu-img, and the default secret of a volume read from disk. */
class SecretFilesTest {
    private static final byte[] VALUE = "s3cret".getBytes(StandardCharsets.UTF_8);
    private static final UUID ID = UUID.fromString("2c9a8c1e-55d4-4b8e-9d1a-000000000001");

    @TempDir
    Path state;

    private final List<String> paths = new java.util.ArrayList<>();

    /** A store with one secret, for the volume path /pool/by-path.img. */
    private final VolumeSecretStore store = new VolumeSecretStore() {
        @Override
        public byte[] value(VolumeEncryption.Secret secret) {
            if (!ID.toString().equals(secret.uuid())) {
                return VolumeSecretStore.NONE.value(secret);
            }
            return VALUE.clone();
        }

        @Override
        public Optional<UUID> secretForPath(String volumePath) {
            paths.add(volumePath);
            return "/pool/by-path.img".equals(volumePath) ? Optional.of(ID) : Optional.empty();
        }
    };

    private static VolumeDefinition encrypted(String name, List<VolumeEncryption.Secret> secrets) {
        return VolumeDefinition.builder(name).targetPath("/pool/" + name).targetFormat("raw")
                .encryption(new VolumeEncryption(VolumeEncryption.Format.LUKS, null, secrets, null, null)).build();
    }

    @Test
    void theValueGoesToAPrivateFileNamedAfterPoolAndVolume() throws IOException {
        VolumeEncryption.Secret secret = VolumeEncryption.Secret.byUuid(ID.toString());
        Path file = new SecretFiles(state, store).forPool("p").writeSecretFile(encrypted("v.img", List.of(secret)), secret);
        assertEquals(state, file.getParent());
        assertTrue(file.getFileName().toString().matches("p\\.v\\.img\\.secret\\.[A-Za-z0-9]{6}"), file.toString());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertArrayEquals(VALUE, Files.readAllBytes(file));
    }

    @Test
    void anUnknownSecretLeavesNoFile() throws IOException {
        VolumeEncryption.Secret unknown = VolumeEncryption.Secret.byUuid("2c9a8c1e-55d4-4b8e-9d1a-0000000000ff");
        VirException e = assertThrows(VirException.class, () -> new SecretFiles(state, store).forPool("p")
                .writeSecretFile(encrypted("v.img", List.of(unknown)), unknown));
        assertEquals("no secret with matching uuid '2c9a8c1e-55d4-4b8e-9d1a-0000000000ff'", e.detail());
        try (Stream<Path> s = Files.list(state)) {
            assertEquals(List.of(), s.toList());
        }
    }

    @Test
    void aVolumeReadWithoutSecretGetsTheSecretOfItsPath() {
        SecretFiles files = new SecretFiles(state, store);
        VolumeDefinition found = files.withDefaultSecret(encrypted("by-path.img", List.of()));
        assertEquals(List.of(VolumeEncryption.Secret.byUuid(ID.toString())), found.encryption().orElseThrow().secrets());
        VolumeDefinition other = encrypted("other.img", List.of());
        assertSame(other, files.withDefaultSecret(other), "no secret for that path: the volume stays as it is");
    }

    @Test
    void noLookupForAVolumeWithASecretOrWithoutEncryption() {
        SecretFiles files = new SecretFiles(state, store);
        VolumeDefinition named = encrypted("by-path.img", List.of(VolumeEncryption.Secret.byUsage("/x")));
        assertSame(named, files.withDefaultSecret(named));
        VolumeDefinition plain = VolumeDefinition.builder("plain.img").targetPath("/pool/plain.img").build();
        assertSame(plain, files.withDefaultSecret(plain));
        assertEquals(List.of(), paths);
    }
}
