package org.virtstoraged.error;

/**
 * An error as libvirt reports it to a client: code, domain and the composed message. Everything
 * below the dispatcher throws this; the dispatcher turns it into a remote_error reply.
 */
public class VirException extends RuntimeException {
    private final ErrorCode code;
    private final int domain;
    private final String detail;

    public VirException(ErrorCode code, ErrorDomain domain, String detail) {
        this(code, domain.number(), detail);
    }

    /** For errors raised "from" a domain we have no enum constant for (libvirt has over seventy). */
    public VirException(ErrorCode code, int domain, String detail) {
        super(code.message(detail));
        this.code = code;
        this.domain = domain;
        this.detail = detail;
    }

    public static VirException of(ErrorCode code, ErrorDomain domain, String format, Object... args) {
        return new VirException(code, domain, args.length == 0 ? format : String.format(format, args));
    }

    /** libvirt's virReportUnsupportedError(): names the public API function that has no driver. */
    public static VirException unsupported(String apiName, int domain) {
        return new VirException(ErrorCode.NO_SUPPORT, domain, apiName);
    }

    public ErrorCode code() {
        return code;
    }

    public int domain() {
        return domain;
    }

    /** The detail the message was composed from, or null when libvirt would report none. */
    public String detail() {
        return detail;
    }
}
