package org.virtstoraged.error;

/**
 * libvirt's error codes (virErrorNumber) with the two message forms libvirt uses: the bare text when
 * a call reports no detail, and the text that frames a detail. Numbers and texts must match libvirt
 * 9.0 exactly: clients compare the numbers, users read the texts.
 */
public enum ErrorCode {
    INTERNAL_ERROR(1, "internal error", "internal error: %s"),
    NO_SUPPORT(3, "this function is not supported by the connection driver",
            "this function is not supported by the connection driver: %s"),
    NO_CONNECT(5, "no connection driver available", "no connection driver available for %s"),
    INVALID_CONN(6, "invalid connection pointer in", "invalid connection pointer in %s"),
    INVALID_ARG(8, "invalid argument", "invalid argument: %s"),
    OPERATION_FAILED(9, "operation failed", "operation failed: %s"),
    XML_ERROR(27, "XML description is invalid or not well formed",
            "XML error: %s"),
    XML_DETAIL(35, "parser error", "%s"),
    OPERATION_DENIED(29, "operation forbidden for read only access", "operation forbidden: %s"),
    CONF_SYNTAX(33, "failed to parse configuration file", "configuration file syntax error: %s"),
    SYSTEM_ERROR(38, "system call error", "%s"),
    RPC(39, "RPC error", "%s"),
    AUTH_FAILED(45, "authentication failed", "authentication failed: %s"),
    AUTH_CANCELLED(79, "authentication cancelled", "authentication cancelled: %s"),
    DBUS_SERVICE(89, "error from service", "error from service: %s"),
    AUTH_UNAVAILABLE(94, "authentication unavailable", "authentication unavailable: %s"),
    INVALID_STORAGE_POOL(46, "invalid storage pool pointer in", "invalid storage pool pointer in %s"),
    INVALID_STORAGE_VOL(47, "invalid storage volume pointer in", "invalid storage volume pointer in %s"),
    NO_STORAGE_POOL(49, "Storage pool not found", "Storage pool not found: %s"),
    NO_STORAGE_VOL(50, "Storage volume not found", "Storage volume not found: %s"),
    OPERATION_INVALID(55, "Requested operation is not valid", "Requested operation is not valid: %s"),
    INVALID_SECRET(65, "Invalid secret", "Invalid secret: %s"),
    NO_SECRET(66, "Secret not found", "Secret not found: %s"),
    CONFIG_UNSUPPORTED(67, "unsupported configuration", "unsupported configuration: %s"),
    OPERATION_TIMEOUT(68, "Timed out during operation", "Timed out during operation: %s"),
    ARGUMENT_UNSUPPORTED(74, "argument unsupported", "argument unsupported: %s"),
    STORAGE_PROBE_FAILED(75, "Storage pool probe failed", "Storage pool probe failed: %s"),
    STORAGE_POOL_BUILT(76, "Storage pool already built", "Storage pool already built: %s"),
    OVERFLOW(82, "numerical overflow", "numerical overflow: %s"),
    OPERATION_UNSUPPORTED(84, "Operation not supported", "Operation not supported: %s"),
    STORAGE_VOL_EXIST(90, "this storage volume exists already", "storage volume %s exists already"),
    NO_SERVER(95, "Server not found", "Server not found: %s"),
    NO_CLIENT(96, "Client not found", "Client not found: %s"),
    XML_INVALID_SCHEMA(92, "XML document failed to validate against schema",
            "XML document failed to validate against schema: %s");

    private final int number;
    private final String bare;
    private final String withDetail;

    ErrorCode(int number, String bare, String withDetail) {
        this.number = number;
        this.bare = bare;
        this.withDetail = withDetail;
    }

    public int number() {
        return number;
    }

    /** The message as libvirt composes it: the template applied to the detail, or the bare text. */
    public String message(String detail) {
        return detail == null ? bare : withDetail.replace("%s", detail);
    }

    /** The template libvirt sends in remote_error.str1 (the format before the detail is applied). */
    public String template(String detail) {
        return detail == null ? bare : withDetail;
    }
}
