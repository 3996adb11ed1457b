package org.virtstoraged.error;

import java.util.Arrays;

/**
 * An error as libvirt reports it to a client: code, domain, the composed message, and the extra
 * fields of remote_error (str1..str2, int1..int2) filled the way libvirt's reporting macro would.
 * Everything below the dispatcher throws this; the dispatcher turns it into an ERROR reply.
 */
public class VirException extends RuntimeException {
    private final ErrorCode code;
    private final int codeNumber;
    private final int domain;
    private final String detail;
    private final String str1;
    private final String str2;
    private final int int1;
    private final int int2;

    public VirException(ErrorCode code, ErrorDomain domain, String detail) {
        this(code, domain.number(), detail);
    }

    /**
     * virReportError(): the message is the code's template applied to the detail; str1 carries the
     * template, str2 the detail, int1 and int2 are -1.
     */
    public VirException(ErrorCode code, int domain, String detail) {
        this(code, domain, detail, code.message(detail), code.template(detail), detail, -1, -1);
    }

    private VirException(ErrorCode code, int domain, String detail, String message, String str1, String str2,
            int int1, int int2) {
        this(code, code.number(), domain, detail, message, str1, str2, int1, int2);
    }

    private VirException(ErrorCode code, int codeNumber, int domain, String detail, String message, String str1,
            String str2, int int1, int int2) {
        super(message);
        this.code = code;
        this.codeNumber = codeNumber;
        this.domain = domain;
        this.detail = detail;
        this.str1 = str1;
        this.str2 = str2;
        this.int1 = int1;
        this.int2 = int2;
    }

    public static VirException of(ErrorCode code, ErrorDomain domain, String format, Object... args) {
        return new VirException(code, domain, args.length == 0 ? format : String.format(format, args));
    }

    public static VirException of(ErrorCode code, int domain, String format, Object... args) {
        return new VirException(code, domain, args.length == 0 ? format : String.format(format, args));
    }

    /** libvirt's virReportUnsupportedError(): names the public API function that has no driver. */
    public static VirException unsupported(String apiName, int domain) {
        return new VirException(ErrorCode.NO_SUPPORT, domain, apiName);
    }

    /**
     * libvirt's virReportInvalidArg() (used by virCheckFlags): the message stands alone, without the
     * "invalid argument" prefix; str1 names the function, str2 the argument, int1 and int2 are 0.
     */
    public static VirException invalidArg(ErrorDomain domain, String function, String argument, String message) {
        return new VirException(ErrorCode.INVALID_ARG, domain.number(), message, message, function, argument, 0, 0);
    }

    /** virCheckFlags(): flags (an unsigned int on the wire) outside those the function accepts. */
    public static VirException unsupportedFlags(ErrorDomain domain, String function, int unsupported) {
        return invalidArg(domain, function, "flags",
                String.format("unsupported flags (0x%x) in function %s", Integer.toUnsignedLong(unsupported), function));
    }

    /**
     * An error another libvirt daemon sent us (remote_error), kept as it came: its code may be one this
     * enum does not list, so {@link #code()} is null then and {@link #codeNumber()} still carries it.
     */
    public static VirException relayed(int codeNumber, int domain, String message, String str1, String str2,
            int int1, int int2) {
        ErrorCode known = Arrays.stream(ErrorCode.values()).filter(c -> c.number() == codeNumber)
                .findFirst().orElse(null);
        return new VirException(known, codeNumber, domain, null, message, str1, str2, int1, int2);
    }

    /** The code, or null for a relayed error whose number this enum does not list. */
    public ErrorCode code() {
        return code;
    }

    /** virErrorNumber as sent on the wire. */
    public int codeNumber() {
        return codeNumber;
    }

    public int domain() {
        return domain;
    }

    /** The detail the message was composed from, or null when libvirt would report none. */
    public String detail() {
        return detail;
    }

    public String str1() {
        return str1;
    }

    public String str2() {
        return str2;
    }

    public int int1() {
        return int1;
    }

    public int int2() {
        return int2;
    }
}
