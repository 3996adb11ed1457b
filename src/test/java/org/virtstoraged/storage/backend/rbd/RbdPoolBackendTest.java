package org.virtstoraged.storage.backend.rbd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.VirException;
import org.virtstoraged.storage.backend.StorageBackend.Operation;
import org.virtstoraged.storage.model.PoolDefinition;
import org.virtstoraged.storage.model.PoolType;
import org.virtstoraged.storage.model.VolumeDefinition;
import org.virtstoraged.storage.model.VolumeType;
import org.virtstoraged.storage.xml.PoolXml;
import org.virtstoraged.storage.xml.VolumeXml;

/**
 * What the rbd backend decides before it talks to a cluster: placement and libvirt's refusals. The secret
 * store fails every lookup, so a test that wrongly got as far as connecting would fail.
 */
class RbdPoolBackendTest {
    private static final PoolDefinition POOL = PoolXml.parse("<pool type='rbd'><name>ceph</name>"
            + "<source><name>rbdpool</name><host name='127.0.0.1' port='1'/>"
            + "<auth type='ceph' username='admin'><secret usage='ceph-key'/></auth></source></pool>");
    private final RbdPoolBackend backend = new RbdPoolBackend(CephSecrets.NONE);

    private static VolumeDefinition volume(String format, long capacity) {
        return VolumeXml.parse(PoolType.RBD, "<volume><name>vm1</name><capacity>" + capacity + "</capacity>"
                + (format == null ? "" : "<target><format type='" + format + "'/></target>") + "</volume>",
                EnumSet.noneOf(VolumeXml.Option.class));
    }

    @Test
    void libvirtsOperationsPlusStopForTheConnection() {
        assertEquals(EnumSet.of(Operation.STOP_POOL, Operation.CREATE_VOL, Operation.BUILD_VOL,
                Operation.BUILD_VOL_FROM, Operation.REFRESH_VOL, Operation.DELETE_VOL, Operation.RESIZE_VOL,
                Operation.WIPE_VOL), backend.operations());
        assertFalse(backend.supports(Operation.START_POOL));
        assertFalse(backend.supports(Operation.CHECK_POOL));
    }

    @Test
    void createPlacesANetworkVolumeNamedAfterTheRadosPool() {
        VolumeDefinition placed = backend.createVol(POOL, volume(null, 1024));
        assertEquals(VolumeType.NETWORK, placed.type());
        assertEquals("rbdpool/vm1", placed.key());
        assertEquals("rbdpool/vm1", placed.targetPath().orElseThrow());
        assertEquals("raw", placed.targetFormat());
    }

    @Test
    void onlyRawVolumes() {
        assertRefused(ErrorCode.CONFIG_UNSUPPORTED, "only RAW volumes are supported by this storage pool",
                () -> backend.createVol(POOL, volume("qcow2", 1024)));
        assertRefused(ErrorCode.NO_SUPPORT, "only RAW volumes are supported by this storage pool",
                () -> backend.buildVol(POOL, volume("qcow2", 1024), 0));
    }

    @Test
    void buildRefusesFlagsThenAnEmptyCapacity() {
        assertRefused(ErrorCode.INVALID_ARG, "unsupported flags (0x1) in function virStorageBackendRBDBuildVol",
                () -> backend.buildVol(POOL, volume(null, 0), 1));
        assertRefused(ErrorCode.NO_SUPPORT, "volume capacity required for this storage pool",
                () -> backend.buildVol(POOL, volume(null, 0), 0));
    }

    @Test
    void encryptedVolumesAreRefused() {
        VolumeDefinition encrypted = VolumeXml.parse(PoolType.RBD, "<volume><name>vm1</name><capacity>1024</capacity>"
                + "<target><format type='raw'/><encryption format='luks'>"
                + "<secret type='passphrase' uuid='2ec115d7-3a88-3ceb-bc12-0ac909a6fd87'/></encryption></target>"
                + "</volume>", EnumSet.noneOf(VolumeXml.Option.class));
        assertRefused(ErrorCode.CONFIG_UNSUPPORTED, "storage pool does not support encrypted volumes",
                () -> backend.buildVol(POOL, encrypted, 0));
    }

    @Test
    void resizeWipeCloneAndDeleteRefuseFlagsLikeLibvirt() {
        VolumeDefinition vol = backend.createVol(POOL, volume(null, 1024));
        assertRefused(ErrorCode.INVALID_ARG, "unsupported flags (0x4) in function virStorageBackendRBDResizeVol",
                () -> backend.resizeVol(POOL, vol, 2048, 4));
        assertRefused(ErrorCode.INVALID_ARG, "unsupported flags (0x1) in function virStorageBackendRBDVolWipe",
                () -> backend.wipeVol(POOL, vol, 0, 1));
        assertRefused(ErrorCode.INVALID_ARG, "unsupported flags (0x4) in function virStorageBackendRBDDeleteVol",
                () -> backend.deleteVol(POOL, vol, 4 | 2));
    }

    /**
     * libvirt deletes the clone after a failed build, and on a pool with auth its client then gets "An error
     * occurred, but the cause is unknown"; ours reports the clone's own error, the deletion's beside it.
     */
    @Test
    void aFailedCloneReportsItsOwnErrorEvenWhenTheCleanupFails() {
        VolumeDefinition vol = backend.createVol(POOL, volume(null, 1024));
        VirException e = assertRefused(ErrorCode.INVALID_ARG,
                "unsupported flags (0x1) in function virStorageBackendRBDBuildVolFrom",
                () -> backend.buildVolFrom(POOL, vol, vol, 1));
        assertEquals("no secret with matching usage 'ceph-key'", ((VirException) e.getSuppressed()[0]).detail());
    }

    @Test
    void theSecretIsLookedUpWhenConnectingAndItsErrorIsReported() {
        assertRefused(ErrorCode.NO_SECRET, "no secret with matching usage 'ceph-key'",
                () -> backend.refreshPool(POOL));
    }

    @Test
    void fastDiffCountsOnlyWhenValid() {
        assertTrue(RbdVolumeInfo.useFastDiff(RbdVolumeInfo.FEATURE_FAST_DIFF | 1, 0));
        assertFalse(RbdVolumeInfo.useFastDiff(RbdVolumeInfo.FEATURE_FAST_DIFF, RbdVolumeInfo.FLAG_FAST_DIFF_INVALID));
        assertFalse(RbdVolumeInfo.useFastDiff(1 | 4 | 8, 0));
    }

    private static VirException assertRefused(ErrorCode code, String detail, Executable call) {
        VirException e = assertThrows(VirException.class, call);
        assertEquals(code, e.code(), e::detail);
        assertEquals(detail, e.detail());
        return e;
    }
}
