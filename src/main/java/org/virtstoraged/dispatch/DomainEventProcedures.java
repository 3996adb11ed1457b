package org.virtstoraged.dispatch;

import java.util.Map;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.ErrorDomain;
import org.virtstoraged.error.VirException;

/**
 * The domain event procedures on a storage connection. libvirt's daemon serves them with hand-written
 * dispatchers that check the event id and the client's own registrations before calling the driver; the
 * storage driver has no domain events, so every registration fails ("not supported ...
 * virConnectDomainEventRegisterAny") and every deregistration finds nothing registered.
 */
final class DomainEventProcedures {
    static final int REGISTER = 105;
    static final int DEREGISTER = 106;
    static final int REGISTER_ANY = 167;
    static final int DEREGISTER_ANY = 168;
    static final int CALLBACK_REGISTER_ANY = 316;
    static final int CALLBACK_DEREGISTER_ANY = 317;
    /** The legacy procedures accept ids up to VIR_DOMAIN_EVENT_ID_DEVICE_REMOVED, as in 9.0. */
    private static final int LEGACY_LAST_ID = 15;
    /** VIR_DOMAIN_EVENT_ID_LAST of libvirt 9.0. */
    private static final int ID_LAST = 27;
    /** VIR_DOMAIN_EVENT_ID_LIFECYCLE, what the oldest procedures register. */
    private static final int LIFECYCLE = 0;
    /** VIR_FROM_DOMAIN: where virConnectDomainEventRegisterAny reports. */
    private static final int DOMAIN_ERRORS = 20;

    private DomainEventProcedures() {
    }

    static void register(Map<Integer, Procedure> table) {
        // each reads its whole argument first: libvirt decodes it before the dispatcher checks anything
        table.put(REGISTER, Procedure.immediate((c, a) -> {
            opened(c, REGISTER);
            throw registerUnsupported();
        }));
        table.put(DEREGISTER, Procedure.immediate((c, a) -> {
            opened(c, DEREGISTER);
            throw internal("domain event %d not registered", LIFECYCLE);
        }));
        table.put(REGISTER_ANY, Procedure.immediate((c, a) -> {
            int id = a.readInt();
            opened(c, REGISTER_ANY);
            checkId(id, LEGACY_LAST_ID + 1);
            throw registerUnsupported();
        }));
        table.put(DEREGISTER_ANY, Procedure.immediate((c, a) -> {
            int id = a.readInt();
            opened(c, DEREGISTER_ANY);
            checkId(id, LEGACY_LAST_ID + 1);
            throw internal("domain event %d not registered", id);
        }));
        table.put(CALLBACK_REGISTER_ANY, Procedure.immediate((c, a) -> {
            int id = a.readInt();
            if (a.readBool()) { // remote_domain: name, uuid, id
                a.readString();
                a.readFixedOpaque(16);
                a.readInt();
            }
            opened(c, CALLBACK_REGISTER_ANY);
            checkId(id, ID_LAST);
            throw registerUnsupported();
        }));
        table.put(CALLBACK_DEREGISTER_ANY, Procedure.immediate((c, a) -> {
            int callbackId = a.readInt();
            opened(c, CALLBACK_DEREGISTER_ANY);
            throw internal("domain event callback %d not registered", callbackId);
        }));
    }

    private static void opened(ClientContext client, int number) {
        RemoteProcedureTable.requireConnection(client, number);
    }

    private static void checkId(int id, int limit) {
        if (id < 0 || id >= limit) {
            throw internal("unsupported event ID %d", id);
        }
    }

    private static VirException registerUnsupported() {
        return VirException.unsupported("virConnectDomainEventRegisterAny", DOMAIN_ERRORS);
    }

    private static VirException internal(String format, Object... args) {
        return VirException.of(ErrorCode.INTERNAL_ERROR, ErrorDomain.RPC, format, args);
    }
}
