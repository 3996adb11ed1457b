package org.virtstoraged.storage.backend.scsi;

import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.ErrorDomain;
import org.virtstoraged.error.VirException;

/** virSCSIHostGetNumber: the N of an adapter named scsi_hostN, fc_hostN or hostN (the old spelling). */
final class ScsiHostNumber {
    private ScsiHostNumber() {
    }

    static long of(String adapterName) {
        String digits;
        if (adapterName.startsWith("scsi_host")) {
            digits = adapterName.substring("scsi_host".length());
        } else if (adapterName.startsWith("fc_host")) {
            digits = adapterName.substring("fc_host".length());
        } else if (adapterName.startsWith("host")) {
            digits = adapterName.substring("host".length());
        } else {
            throw invalid(adapterName);
        }
        // virStrToLong_ui: the whole rest must be a number that fits an unsigned int
        if (!digits.matches("[0-9]+")) {
            throw invalid(digits);
        }
        try {
            long n = Long.parseLong(digits);
            if (n > 0xFFFFFFFFL) {
                throw invalid(digits);
            }
            return n;
        } catch (NumberFormatException e) {
            throw invalid(digits);
        }
    }

    /** libvirt names what is left after the prefix when the number does not parse. */
    private static VirException invalid(String what) {
        return VirException.of(ErrorCode.INTERNAL_ERROR, ErrorDomain.NONE, "Invalid adapter name '%s' for SCSI pool",
                what);
    }
}
