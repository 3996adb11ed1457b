package org.virtstoraged.storage.backend.local;

import java.util.Optional;

/** virStorageVolWipeAlgorithm, with the pattern names libvirt passes to scrub -p. */
public enum WipeAlgorithm {
    ZERO("zero"),
    NNSA("nnsa"),
    DOD("dod"),
    BSI("bsi"),
    GUTMANN("gutmann"),
    SCHNEIER("schneier"),
    PFITZNER7("pfitzner7"),
    PFITZNER33("pfitzner33"),
    RANDOM("random"),
    TRIM("trim");

    private final String pattern;

    WipeAlgorithm(String pattern) {
        this.pattern = pattern;
    }

    public String pattern() {
        return pattern;
    }

    /** The algorithm with that number; the API's number is an unsigned int. */
    public static Optional<WipeAlgorithm> fromNumber(int number) {
        WipeAlgorithm[] all = values();
        return Integer.compareUnsigned(number, all.length) < 0 ? Optional.of(all[number]) : Optional.empty();
    }
}
