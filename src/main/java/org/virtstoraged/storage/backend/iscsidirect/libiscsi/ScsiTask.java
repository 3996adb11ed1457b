package org.virtstoraged.storage.backend.iscsidirect.libiscsi;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.virtstoraged.os.ForeignCalls;

/**
 * A completed SCSI command (libiscsi's struct scsi_task): its status, sense and data-in, read through
 * libiscsi's own unmarshalling. Closing frees it (scsi_free_scsi_task). Offsets are those of libiscsi 1.19
 * on 64-bit Linux (scsi-lowlevel.h).
 */
public final class ScsiTask implements AutoCloseable {
    public static final int STATUS_GOOD = 0;
    public static final int STATUS_CHECK_CONDITION = 2;
    public static final int SENSE_UNIT_ATTENTION = 6;
    /** SCSI_SENSE_ASCQ_BUS_RESET: "power on, reset, or bus device reset occurred". */
    public static final int ASCQ_BUS_RESET = 0x2900;
    /** SCSI_INQUIRY_PERIPHERAL_DEVICE_TYPE_DIRECT_ACCESS. */
    public static final int DEVICE_TYPE_DIRECT_ACCESS = 0;

    private static final long SIZE = 176;
    private static final long STATUS = 0;
    private static final long SENSE_KEY = 52;
    private static final long SENSE_ASCQ = 56;
    private static final long DATAIN_SIZE = 64;

    private final MemorySegment task;
    private final String error;
    private boolean freed;

    ScsiTask(MemorySegment task, String error) {
        this.task = task.reinterpret(SIZE);
        this.error = error;
    }

    /** libiscsi's error text for this command when it failed (iscsi_get_error right at its completion). */
    public java.util.Optional<String> error() {
        return java.util.Optional.ofNullable(error);
    }

    public int status() {
        return task.get(ValueLayout.JAVA_INT, STATUS);
    }

    public int senseKey() {
        return task.get(ValueLayout.JAVA_INT, SENSE_KEY);
    }

    public int senseAscq() {
        return task.get(ValueLayout.JAVA_INT, SENSE_ASCQ);
    }

    /** How many data-in bytes arrived. */
    public int datainSize() {
        return task.get(ValueLayout.JAVA_INT, DATAIN_SIZE);
    }

    /** scsi_datain_getfullsize: how many bytes the target had to send (REPORT LUNS' list length and header). */
    public int datainFullSize() {
        try {
            return (int) IscsiNative.H.DATAIN_FULLSIZE.invokeExact(task);
        } catch (Throwable t) {
            throw ForeignCalls.unexpected(t);
        }
    }

    private MemorySegment unmarshall() {
        try {
            return (MemorySegment) IscsiNative.H.DATAIN_UNMARSHALL.invokeExact(task);
        } catch (Throwable t) {
            throw ForeignCalls.unexpected(t);
        }
    }

    /** struct scsi_reportluns_list: the LUNs; empty when libiscsi cannot unmarshall the reply. */
    public Optional<List<Integer>> reportLuns() {
        MemorySegment list = unmarshall();
        if (list.address() == 0) {
            return Optional.empty();
        }
        int num = list.reinterpret(4).get(ValueLayout.JAVA_INT, 0);
        MemorySegment all = list.reinterpret(4 + 2L * num);
        List<Integer> luns = new ArrayList<>(num);
        for (int i = 0; i < num; i++) {
            luns.add(Short.toUnsignedInt(all.get(ValueLayout.JAVA_SHORT_UNALIGNED, 4 + 2L * i)));
        }
        return Optional.of(luns);
    }

    /** struct scsi_inquiry_standard's device_type; empty when the reply cannot be unmarshalled. */
    public OptionalInt inquiryDeviceType() {
        MemorySegment inq = unmarshall();
        if (inq.address() == 0) {
            return OptionalInt.empty();
        }
        return OptionalInt.of(inq.reinterpret(8).get(ValueLayout.JAVA_INT, 4));
    }

    /** struct scsi_readcapacity16: last LBA and block length; empty when it cannot be unmarshalled. */
    public Optional<ReadCapacity16> readCapacity16() {
        MemorySegment rc = unmarshall();
        if (rc.address() == 0) {
            return Optional.empty();
        }
        MemorySegment s = rc.reinterpret(12);
        return Optional.of(new ReadCapacity16(s.get(ValueLayout.JAVA_LONG, 0), s.get(ValueLayout.JAVA_INT, 8)));
    }

    /** READ CAPACITY(16)'s answer: the last logical block's address (not the count) and the block length. */
    public record ReadCapacity16(long returnedLba, int blockLength) {
    }

    @Override
    public void close() {
        if (freed) {
            return;
        }
        freed = true;
        free(task);
    }

    static void free(MemorySegment task) {
        try {
            IscsiNative.H.FREE_TASK.invokeExact(task);
        } catch (Throwable t) {
            throw ForeignCalls.unexpected(t);
        }
    }
}
