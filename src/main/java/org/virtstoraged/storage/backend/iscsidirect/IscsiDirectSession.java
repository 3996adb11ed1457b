package org.virtstoraged.storage.backend.iscsidirect;

import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.ErrorDomain;
import org.virtstoraged.error.VirException;
import org.virtstoraged.os.ForeignLibrary;
import org.virtstoraged.storage.backend.iscsi.IscsiSecrets;
import org.virtstoraged.storage.backend.iscsidirect.libiscsi.IscsiContext;
import org.virtstoraged.storage.backend.iscsidirect.libiscsi.IscsiException;
import org.virtstoraged.storage.backend.iscsidirect.libiscsi.IscsiLibrary;
import org.virtstoraged.storage.backend.iscsidirect.libiscsi.ScsiTask;
import org.virtstoraged.storage.model.PoolAuth;
import org.virtstoraged.storage.model.PoolSource;

/**
 * A logged-in libiscsi session to a pool's target, with the SCSI steps of libvirt's backend and its error
 * messages (libiscsi's own text appended). Closing logs out and disconnects (failures there are not reported,
 * as libvirt keeps the earlier error), then destroys the context.
 */
final class IscsiDirectSession implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(IscsiDirectSession.class);
    /** How many of a wipe's WRITE(16)s (64 KiB each on 512-byte blocks) are sent before waiting for them. */
    static final int WRITES_IN_FLIGHT = 16;

    private final IscsiContext iscsi;
    private final String portal;
    private boolean loggedIn;

    private IscsiDirectSession(IscsiContext iscsi, String portal) {
        this.iscsi = iscsi;
        this.portal = portal;
    }

    String portal() {
        return portal;
    }

    /** virStorageBackendISCSIDirectSetConnection: context, portal, CHAP, target, connect, login. */
    static IscsiDirectSession open(PoolSource source, IscsiSecrets secrets, Duration timeout) {
        String initiator = source.initiatorIqn().orElse(null);
        IscsiContext iscsi = createContext(initiator, timeout);
        try {
            String portal = IscsiDirectNames.portal(source);
            setAuth(iscsi, source, secrets);
            setContext(iscsi, IscsiDirectNames.target(source), IscsiContext.SESSION_NORMAL);
            IscsiDirectSession session = new IscsiDirectSession(iscsi, portal);
            session.connect();
            return session;
        } catch (RuntimeException e) {
            iscsi.close();
            throw e;
        }
    }

    /** virISCSIDirectScanTargets: a discovery session listing the portal's targets. */
    static List<String> scanTargets(String initiator, String portal, Duration timeout) {
        IscsiContext iscsi = createContext(initiator, timeout);
        try {
            setContext(iscsi, null, IscsiContext.SESSION_DISCOVERY);
            try (IscsiDirectSession session = new IscsiDirectSession(iscsi, portal)) {
                session.connect();
                try {
                    return iscsi.discovery();
                } catch (IscsiException e) {
                    throw internal("Failed to discover session: %s", e);
                }
            }
        } finally {
            iscsi.close();
        }
    }

    static IscsiContext createContext(String initiator, Duration timeout) {
        try {
            IscsiLibrary.require();
        } catch (ForeignLibrary.Missing e) {
            throw VirException.of(ErrorCode.INTERNAL_ERROR, ErrorDomain.STORAGE, "%s", e.getMessage());
        }
        try {
            return IscsiContext.create(initiator, timeout);
        } catch (IscsiException e) {
            throw VirException.of(ErrorCode.INTERNAL_ERROR, ErrorDomain.STORAGE,
                    "Failed to create iscsi context for %s", initiator);
        }
    }

    private static void setAuth(IscsiContext iscsi, PoolSource source, IscsiSecrets secrets) {
        if (source.auth().isEmpty()) {
            return;
        }
        PoolAuth auth = source.auth().get();
        if (auth.type() != PoolAuth.Type.CHAP) {
            throw VirException.of(ErrorCode.XML_ERROR, ErrorDomain.STORAGE, "%s",
                    "iscsi-direct pool only supports 'chap' auth type");
        }
        byte[] value = secrets.value(auth);
        try {
            // libvirt hands the value over as a C string: it ends at the first NUL byte
            int end = 0;
            while (end < value.length && value[end] != 0) {
                end++;
            }
            byte[] password = Arrays.copyOf(value, end);
            try {
                iscsi.setChap(auth.username(), password);
            } catch (IscsiException e) {
                throw internal("Failed to set credential: %s", e);
            } finally {
                Arrays.fill(password, (byte) 0);
            }
        } finally {
            Arrays.fill(value, (byte) 0);
        }
    }

    private static void setContext(IscsiContext iscsi, String target, int sessionType) {
        try {
            iscsi.initTransport();
        } catch (IscsiException e) {
            throw internal("Failed to init transport: %s", e);
        }
        if (sessionType == IscsiContext.SESSION_NORMAL) {
            try {
                iscsi.setTargetName(target);
            } catch (IscsiException e) {
                throw internal("Failed to set target name: %s", e);
            }
        }
        try {
            iscsi.setSessionType(sessionType);
        } catch (IscsiException e) {
            throw internal("Failed to set session type: %s", e);
        }
    }

    private void connect() {
        try {
            iscsi.connect(portal);
        } catch (IscsiException e) {
            throw internal("Failed to connect: %s", e);
        }
        try {
            iscsi.login();
        } catch (IscsiException e) {
            throw internal("Failed to login: %s", e);
        }
        loggedIn = true;
    }

    /** virISCSIDirectReportLuns: REPORT LUNS with 16 bytes, again with the full length when more are listed. */
    List<Integer> reportLuns() {
        ScsiTask task = reportLunsTask(16);
        try {
            int fullSize = task.datainFullSize();
            if (fullSize > task.datainSize()) {
                task.close();
                task = reportLunsTask(fullSize);
            }
            List<Integer> luns = task.reportLuns().orElse(null);
            if (luns == null) {
                throw internal("Failed to unmarshall reportluns: %s", iscsi.error());
            }
            return luns;
        } finally {
            task.close();
        }
    }

    private ScsiTask reportLunsTask(int length) {
        try {
            return iscsi.reportLuns(length);
        } catch (IscsiException e) {
            throw internal("Failed to reportluns: %s", e);
        }
    }

    /**
     * virISCSIDirectTestUnitReady: retried, with libvirt's back-off ({@link BackOff}) for up to 30 s, while the LUN
     * answers a unit attention for a reset (every first command after login on tgt); any other status but GOOD fails.
     */
    void testUnitReady(int lun) {
        Map<Integer, VirException> failed = new HashMap<>();
        unitsReady(List.of(lun), failed);
        if (failed.containsKey(lun)) {
            throw failed.get(lun);
        }
    }

    /**
     * virISCSIDirectGetVolumeCapacity: INQUIRY (64 bytes); for a direct-access device READ CAPACITY(16). Other
     * device types (tgt's controller LUN 0) have no capacity: block size and last LBA 0.
     */
    ScsiTask.ReadCapacity16 capacity(int lun) {
        ScsiTask inquiry;
        try {
            inquiry = iscsi.inquiry(lun, 64);
        } catch (IscsiException e) {
            throw internal("Failed to send inquiry command: %s", e);
        }
        int deviceType;
        try (inquiry) {
            if (inquiry.status() != ScsiTask.STATUS_GOOD) {
                throw internal("Failed to send inquiry command: %s", textOf(inquiry));
            }
            deviceType = inquiry.inquiryDeviceType()
                    .orElseThrow(() -> internal("Failed to unmarshall reply: %s", iscsi.error()));
        }
        if (deviceType != ScsiTask.DEVICE_TYPE_DIRECT_ACCESS) {
            return new ScsiTask.ReadCapacity16(0, 0);
        }
        ScsiTask rc;
        try {
            rc = iscsi.readCapacity16(lun);
        } catch (IscsiException e) {
            throw internal("Failed to get capacity of lun: %s", e);
        }
        try (rc) {
            if (rc.status() != ScsiTask.STATUS_GOOD) {
                throw internal("Failed to get capacity of lun: %s", textOf(rc));
            }
            return rc.readCapacity16().orElseThrow(() -> internal("Failed to unmarshall reply: %s", iscsi.error()));
        }
    }

    /**
     * virISCSIDirectRefreshVol's steps for every LUN (TEST UNIT READY with the reset retry, INQUIRY, READ
     * CAPACITY(16) of disks), each step's commands for all LUNs in flight at once rather than LUN by LUN; the
     * first failure in libvirt's order (by LUN, then by step) is the one reported, with that command's text.
     */
    List<ScsiTask.ReadCapacity16> capacities(List<Integer> luns) {
        Map<Integer, VirException> failed = new HashMap<>();
        unitsReady(luns, failed);
        List<Integer> ready = luns.stream().filter(l -> !failed.containsKey(l)).toList();
        List<Integer> disks = new ArrayList<>();
        List<ScsiTask> inquiries;
        try {
            inquiries = iscsi.inquiry(ready, 64);
        } catch (IscsiException e) {
            throw internal("Failed to send inquiry command: %s", e);
        }
        for (int i = 0; i < ready.size(); i++) {
            try (ScsiTask inq = inquiries.get(i)) {
                if (inq.status() != ScsiTask.STATUS_GOOD) {
                    failed.put(ready.get(i), internal("Failed to send inquiry command: %s", textOf(inq)));
                    continue;
                }
                var type = inq.inquiryDeviceType();
                if (type.isEmpty()) {
                    failed.put(ready.get(i), internal("Failed to unmarshall reply: %s", iscsi.error()));
                } else if (type.getAsInt() == ScsiTask.DEVICE_TYPE_DIRECT_ACCESS) {
                    disks.add(ready.get(i));
                }
            }
        }
        Map<Integer, ScsiTask.ReadCapacity16> sizes = new HashMap<>();
        List<ScsiTask> rcs;
        try {
            rcs = iscsi.readCapacity16(disks);
        } catch (IscsiException e) {
            throw internal("Failed to get capacity of lun: %s", e);
        }
        for (int i = 0; i < disks.size(); i++) {
            try (ScsiTask rc = rcs.get(i)) {
                if (rc.status() != ScsiTask.STATUS_GOOD) {
                    failed.put(disks.get(i), internal("Failed to get capacity of lun: %s", textOf(rc)));
                    continue;
                }
                var read = rc.readCapacity16();
                if (read.isEmpty()) {
                    failed.put(disks.get(i), internal("Failed to unmarshall reply: %s", iscsi.error()));
                } else {
                    sizes.put(disks.get(i), read.get());
                }
            }
        }
        List<ScsiTask.ReadCapacity16> result = new ArrayList<>(luns.size());
        for (int lun : luns) {
            if (failed.containsKey(lun)) {
                throw failed.get(lun);
            }
            result.add(sizes.getOrDefault(lun, new ScsiTask.ReadCapacity16(0, 0)));
        }
        return result;
    }

    /**
     * TEST UNIT READY of every LUN at once, the ones in reset unit attention asked again after each of the back-off's
     * waits; those still in it when the back-off ends fail as any other status but GOOD does.
     */
    private void unitsReady(List<Integer> luns, Map<Integer, VirException> failed) {
        BackOff backOff = BackOff.testUnitReady();
        Map<Integer, String> inResetAttention = new LinkedHashMap<>();   // LUN -> its last answer's text
        List<Integer> asking = luns;
        while (true) {
            List<ScsiTask> tasks;
            try {
                tasks = iscsi.testUnitReady(asking);
            } catch (IscsiException e) {
                throw internal("Failed testunitready: %s", e);
            }
            inResetAttention.clear();
            for (int i = 0; i < asking.size(); i++) {
                try (ScsiTask task = tasks.get(i)) {
                    if (task.status() == ScsiTask.STATUS_CHECK_CONDITION
                            && task.senseKey() == ScsiTask.SENSE_UNIT_ATTENTION
                            && task.senseAscq() == ScsiTask.ASCQ_BUS_RESET) {
                        inResetAttention.put(asking.get(i), textOf(task));
                    } else if (task.status() != ScsiTask.STATUS_GOOD) {
                        failed.put(asking.get(i), internal("Failed testunitready: %s", textOf(task)));
                    }
                }
            }
            if (inResetAttention.isEmpty() || !backOff.await()) {
                break;
            }
            asking = List.copyOf(inResetAttention.keySet());
        }
        inResetAttention.forEach((lun, text) -> failed.put(lun, internal("Failed testunitready: %s", text)));
    }

    private String textOf(ScsiTask task) {
        return task.error().orElseGet(iscsi::error);
    }

    /**
     * virStorageBackendISCSIDirectVolWipeZero's writes: zeros over the whole LUN, 128 blocks at a time, in
     * libvirt's order, up to {@link #WRITES_IN_FLIGHT} of them in flight at once (libvirt waits for each).
     */
    void writeZeros(int lun, ScsiTask.ReadCapacity16 capacity) {
        long blockSize = Integer.toUnsignedLong(capacity.blockLength());
        if (blockSize == 0) {
            return;
        }
        MemorySegment zeros = iscsi.buffer(blockSize * WipeChunks.BLOCKS_PER_WRITE);
        List<long[]> writes = new ArrayList<>();
        long lba = 0;
        for (long blocks; (blocks = WipeChunks.blocksAt(capacity.returnedLba(), lba)) > 0; lba += blocks) {
            writes.add(new long[] {lba, blocks});
            if (writes.size() == WRITES_IN_FLIGHT) {
                write(lun, writes, zeros, (int) blockSize);
                writes.clear();
            }
        }
        write(lun, writes, zeros, (int) blockSize);
    }

    /** One group of libvirt's writes, in flight together; the first failure in LBA order is reported. */
    private void write(int lun, List<long[]> writes, MemorySegment zeros, int blockSize) {
        if (writes.isEmpty()) {
            return;
        }
        List<ScsiTask> tasks;
        try {
            tasks = iscsi.write16(lun, writes, zeros, blockSize);
        } catch (IscsiException e) {
            throw internal("failed to write to LUN %d: %s", lun, e.detail());
        }
        VirException first = null;
        for (ScsiTask task : tasks) {
            try (task) {
                if (first == null && task.status() != ScsiTask.STATUS_GOOD) {
                    first = internal("failed to write to LUN %d: %s", lun, textOf(task));
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** The connection failed (it timed out or broke): the session is only good for closing. */
    boolean isBroken() {
        return iscsi.isBroken();
    }

    boolean isTimedOut() {
        return iscsi.isTimedOut();
    }

    /** virISCSIDirectDisconnect, best effort: after a timeout the session is beyond logging out. */
    @Override
    public void close() {
        try {
            if (loggedIn && !iscsi.isBroken()) {
                iscsi.logout();
                iscsi.disconnect();
            }
        } catch (IscsiException e) {
            LOG.debugf("iSCSI logout from %s: %s", portal, e.detail());
        } finally {
            loggedIn = false;
            iscsi.close();
        }
    }

    private static VirException internal(String format, IscsiException e) {
        return VirException.of(ErrorCode.INTERNAL_ERROR, ErrorDomain.STORAGE, format, e.detail());
    }

    private static VirException internal(String format, Object... args) {
        return VirException.of(ErrorCode.INTERNAL_ERROR, ErrorDomain.STORAGE, format, args);
    }
}
