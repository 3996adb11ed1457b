package org.virtstoraged.rpc.remote;

/** The remote program: what virsh and every libvirt client speak to a daemon. */
public final class RemoteProgram {
    public static final int PROGRAM = 0x20008086;
    public static final int VERSION = 1;

    // Procedure numbers this daemon serves itself (remote_protocol.x).
    public static final int CONNECT_OPEN = 1;
    public static final int CONNECT_CLOSE = 2;
    public static final int CONNECT_GET_TYPE = 3;
    public static final int CONNECT_SUPPORTS_FEATURE = 60;
    public static final int AUTH_LIST = 66;
    public static final int CONNECT_GET_URI = 110;
    public static final int CONNECT_IS_SECURE = 149;
    public static final int CONNECT_GET_LIB_VERSION = 157;
    public static final int CONNECT_LIST_ALL_STORAGE_POOLS = 281;
    public static final int CONNECT_REGISTER_CLOSE_CALLBACK = 360;
    public static final int CONNECT_UNREGISTER_CLOSE_CALLBACK = 361;
    public static final int CONNECT_SET_IDENTITY = 419;
    /** REMOTE_CONNECT_IDENTITY_PARAMS_MAX. */
    public static final int CONNECT_IDENTITY_PARAMS_MAX = 20;

    /** REMOTE_AUTH_NONE in remote_auth_type. */
    public static final int AUTH_NONE = 0;

    private RemoteProgram() {
    }
}
