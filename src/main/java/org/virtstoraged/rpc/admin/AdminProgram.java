package org.virtstoraged.rpc.admin;

/** The admin program that virt-admin speaks on the admin socket. */
public final class AdminProgram {
    public static final int PROGRAM = 0x06900690;
    public static final int VERSION = 1;

    // admin_procedure (admin_protocol.x), also listed in admin-procedures.tsv
    public static final int CONNECT_OPEN = 1;
    public static final int CONNECT_CLOSE = 2;
    public static final int CONNECT_GET_LIB_VERSION = 3;
    public static final int CONNECT_LIST_SERVERS = 4;
    public static final int CONNECT_LOOKUP_SERVER = 5;
    public static final int SERVER_GET_THREADPOOL_PARAMETERS = 6;
    public static final int SERVER_SET_THREADPOOL_PARAMETERS = 7;
    public static final int SERVER_LIST_CLIENTS = 8;
    public static final int SERVER_LOOKUP_CLIENT = 9;
    public static final int CLIENT_GET_INFO = 10;
    public static final int CLIENT_CLOSE = 11;
    public static final int SERVER_GET_CLIENT_LIMITS = 12;
    public static final int SERVER_SET_CLIENT_LIMITS = 13;
    public static final int CONNECT_GET_LOGGING_OUTPUTS = 14;
    public static final int CONNECT_GET_LOGGING_FILTERS = 15;
    public static final int CONNECT_SET_LOGGING_OUTPUTS = 16;
    public static final int CONNECT_SET_LOGGING_FILTERS = 17;
    public static final int SERVER_UPDATE_TLS_FILES = 18;
    public static final int CONNECT_SET_DAEMON_TIMEOUT = 19;

    private AdminProgram() {
    }
}
