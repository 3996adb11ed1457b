package org.virtstoraged.storage.backend.iscsidirect.libiscsi;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import org.virtstoraged.os.ForeignCalls;
import org.virtstoraged.os.ForeignLibrary;

/**
 * The links to libiscsi (libiscsi.so.7 from Debian's libiscsi7) and to libc's poll(2) through the FFM API.
 * The library is opened on first use and stays loaded ({@link ForeignLibrary}).
 */
final class IscsiNative {
    static final ForeignLibrary LIBRARY = new ForeignLibrary("libiscsi.so.7", "libiscsi7");
    /** iscsi_command_cb: void (*)(struct iscsi_context *, int status, void *command_data, void *private_data). */
    static final FunctionDescriptor COMMAND_CB = ForeignCalls.upcallShape(FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT,
            ADDRESS, ADDRESS));

    private IscsiNative() {
    }

    /** @throws ForeignLibrary.Missing naming the Debian package (libiscsi7) */
    static void require() {
        LIBRARY.lookup();
    }

    private static MethodHandle iscsi(String name, FunctionDescriptor function) {
        return ForeignCalls.downcall(LIBRARY.find(name), function, false, -1);
    }

    /** The handles, made when first touched (after {@link #require}). */
    static final class H {
        static final MethodHandle CREATE_CONTEXT = iscsi("iscsi_create_context",
                FunctionDescriptor.of(ADDRESS, ADDRESS));
        static final MethodHandle DESTROY_CONTEXT = iscsi("iscsi_destroy_context",
                FunctionDescriptor.of(JAVA_INT, ADDRESS));
        static final MethodHandle INIT_TRANSPORT = iscsi("iscsi_init_transport",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        static final MethodHandle SET_TARGETNAME = iscsi("iscsi_set_targetname",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        static final MethodHandle SET_SESSION_TYPE = iscsi("iscsi_set_session_type",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        static final MethodHandle SET_USERNAME_PWD = iscsi("iscsi_set_initiator_username_pwd",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        static final MethodHandle SET_NOAUTORECONNECT = iscsi("iscsi_set_noautoreconnect",
                FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT));
        static final MethodHandle GET_ERROR = iscsi("iscsi_get_error", FunctionDescriptor.of(ADDRESS, ADDRESS));
        static final MethodHandle GET_FD = iscsi("iscsi_get_fd", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        static final MethodHandle WHICH_EVENTS = iscsi("iscsi_which_events", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        static final MethodHandle SERVICE = iscsi("iscsi_service", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        static final MethodHandle CONNECT_ASYNC = iscsi("iscsi_connect_async",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
        static final MethodHandle LOGIN_ASYNC = iscsi("iscsi_login_async",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        static final MethodHandle LOGOUT_ASYNC = iscsi("iscsi_logout_async",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        static final MethodHandle DISCOVERY_ASYNC = iscsi("iscsi_discovery_async",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        static final MethodHandle DISCONNECT = iscsi("iscsi_disconnect", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        static final MethodHandle REPORTLUNS_TASK = iscsi("iscsi_reportluns_task",
                FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
        static final MethodHandle TESTUNITREADY_TASK = iscsi("iscsi_testunitready_task",
                FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS));
        static final MethodHandle INQUIRY_TASK = iscsi("iscsi_inquiry_task",
                FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
        static final MethodHandle READCAPACITY16_TASK = iscsi("iscsi_readcapacity16_task",
                FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS));
        static final MethodHandle WRITE16_TASK = iscsi("iscsi_write16_task",
                FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT,
                        JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
        static final MethodHandle FREE_TASK = iscsi("scsi_free_scsi_task", FunctionDescriptor.ofVoid(ADDRESS));
        static final MethodHandle DATAIN_FULLSIZE = iscsi("scsi_datain_getfullsize",
                FunctionDescriptor.of(JAVA_INT, ADDRESS));
        static final MethodHandle DATAIN_UNMARSHALL = iscsi("scsi_datain_unmarshall",
                FunctionDescriptor.of(ADDRESS, ADDRESS));
        /** int poll(struct pollfd *fds, nfds_t nfds, int timeout). */
        static final MethodHandle POLL = ForeignCalls.downcall(ForeignCalls.LINKER.defaultLookup().find("poll")
                .orElseThrow(), FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT), false, -1);

        private H() {
        }
    }

    static MemorySegment cString(Arena arena, String value) {
        return value == null ? MemorySegment.NULL : arena.allocateFrom(value, StandardCharsets.UTF_8);
    }

    /** A NUL-terminated string libiscsi returned; null for NULL. */
    static String string(MemorySegment pointer) {
        if (pointer.address() == 0) {
            return null;
        }
        return pointer.reinterpret(Long.MAX_VALUE).getString(0, StandardCharsets.UTF_8);
    }
}
