package org.virtstoraged.dispatch;

import io.smallrye.mutiny.Uni;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.ErrorDomain;
import org.virtstoraged.error.VirException;
import org.virtstoraged.rpc.remote.ProcedureInfo;
import org.virtstoraged.rpc.remote.RemoteProcedures;
import org.virtstoraged.rpc.remote.RemoteProgram;
import org.virtstoraged.rpc.wire.Frames;
import org.virtstoraged.rpc.wire.MessageHeader;
import org.virtstoraged.rpc.wire.MessageStatus;
import org.virtstoraged.rpc.wire.MessageType;
import org.virtstoraged.rpc.xdr.XdrDecoder;
import org.virtstoraged.rpc.xdr.XdrEncoder;
import org.virtstoraged.storage.PoolRef;
import org.virtstoraged.storage.event.PoolEvent;
import org.virtstoraged.storage.event.PoolEventBus;

/**
 * Storage pool events over RPC, as remote_daemon_dispatch.c and object_event.c do them:
 * CONNECT_STORAGE_POOL_EVENT_REGISTER_ANY (368) and DEREGISTER_ANY (369) keep a list of callbacks per
 * client; each event the driver raises goes to the client as one STORAGE_POOL_EVENT_LIFECYCLE (370) or
 * STORAGE_POOL_EVENT_REFRESH (373) message per matching callback, in the order the callbacks were
 * registered. Callback ids are the driver's: one counter for the whole daemon, from 0. Read-only
 * connections may register (the API has no read-only check); the callbacks go with their client.
 */
final class StoragePoolEvents {
    static final int REGISTER_ANY = 368;
    static final int DEREGISTER_ANY = 369;
    static final int EVENT_LIFECYCLE = 370;
    static final int EVENT_REFRESH = 373;
    /** libvirt sends every event message with serial 1 (remoteDispatchObjectEventSend). */
    static final int EVENT_SERIAL = 1;

    private final PoolEventBus bus;
    /** virObjectEventCallbackList.nextID of the driver's event state. */
    private final AtomicInteger nextCallbackId = new AtomicInteger();
    private final Map<Long, ClientCallbacks> clients = new ConcurrentHashMap<>();

    StoragePoolEvents(PoolEventBus bus) {
        this.bus = bus;
    }

    void register(Map<Integer, Procedure> t) {
        ProcedureInfo registerInfo = RemoteProcedures.find(REGISTER_ANY).orElseThrow();
        ProcedureInfo deregisterInfo = RemoteProcedures.find(DEREGISTER_ANY).orElseThrow();
        t.put(REGISTER_ANY, (client, args) -> {
            ConnectionGuard.check(client, registerInfo);
            int eventId = args.readInt();
            PoolRef pool = args.readBool() ? StorageCodec.readPool(args) : null;
            return Uni.createFrom().item(() -> new XdrEncoder().writeInt(register(client, eventId, pool)).toByteArray());
        });
        t.put(DEREGISTER_ANY, (client, args) -> {
            ConnectionGuard.check(client, deregisterInfo);
            int callbackId = args.readInt();
            return Uni.createFrom().item(() -> {
                deregister(client, callbackId);
                return new byte[0];
            });
        });
    }

    /** remoteDispatchConnectStoragePoolEventRegisterAny. */
    int register(ClientContext client, int eventId, PoolRef pool) {
        if (eventId >= PoolEvent.ID_LAST || eventId < 0) {
            throw VirException.of(ErrorCode.INTERNAL_ERROR, ErrorDomain.RPC, "unsupported storage pool event ID %d",
                    eventId);
        }
        ClientCallbacks callbacks = clients.computeIfAbsent(client.id(), id -> {
            ClientCallbacks c = new ClientCallbacks(client);
            client.onDisconnect(() -> forget(id));
            return c;
        });
        return callbacks.add(eventId, pool == null ? null : pool.uuid());
    }

    /** remoteDispatchConnectStoragePoolEventDeregisterAny. */
    void deregister(ClientContext client, int callbackId) {
        ClientCallbacks callbacks = clients.get(client.id());
        if (callbacks == null || !callbacks.remove(callbackId)) {
            throw VirException.of(ErrorCode.INTERNAL_ERROR, ErrorDomain.RPC,
                    "storage pool event callback %d not registered", callbackId);
        }
    }

    /** The client is gone: its callbacks are dropped with it (remoteClientFreePrivateCallbacks). */
    private void forget(long clientId) {
        ClientCallbacks callbacks = clients.remove(clientId);
        if (callbacks != null) {
            callbacks.close();
        }
    }

    int callbackCount(ClientContext client) {
        ClientCallbacks callbacks = clients.get(client.id());
        return callbacks == null ? 0 : callbacks.size();
    }

    private record Callback(int id, int eventId, UUID pool) {
        boolean matches(PoolEvent event) {
            return eventId == event.eventId() && (pool == null || pool.equals(event.pool().uuid()));
        }
    }

    /**
     * One client's callbacks. The client has one subscription to the bus while it has callbacks, so
     * its messages leave in libvirt's order: event by event, and per event callback by callback.
     */
    private final class ClientCallbacks {
        private final ClientContext client;
        private final List<Callback> list = new ArrayList<>();
        private PoolEventBus.Subscription subscription;
        private boolean closed;

        ClientCallbacks(ClientContext client) {
            this.client = client;
        }

        synchronized int add(int eventId, UUID pool) {
            for (Callback cb : list) {
                // virObjectEventCallbackLookup: the same event on the same object is tracked once per connection
                if (cb.eventId() == eventId && java.util.Objects.equals(cb.pool(), pool)) {
                    throw VirException.of(ErrorCode.INVALID_ARG, ErrorDomain.NONE, "%s",
                            "event callback already tracked");
                }
            }
            int id = nextCallbackId.getAndIncrement();
            list.add(new Callback(id, eventId, pool));
            if (subscription == null && !closed) {
                subscription = bus.subscribe(this::deliver);
            }
            return id;
        }

        synchronized boolean remove(int callbackId) {
            boolean removed = list.removeIf(cb -> cb.id() == callbackId);
            if (list.isEmpty() && subscription != null) {
                subscription.close();
                subscription = null;
            }
            return removed;
        }

        synchronized int size() {
            return list.size();
        }

        synchronized void close() {
            closed = true;
            list.clear();
            if (subscription != null) {
                subscription.close();
                subscription = null;
            }
        }

        private void deliver(PoolEvent event) {
            List<Callback> matching;
            synchronized (this) {
                matching = list.stream().filter(cb -> cb.matches(event)).toList();
            }
            for (Callback cb : matching) {
                client.transport().send(message(cb.id(), event));
            }
        }
    }

    /** remote_storage_pool_event_lifecycle_msg / remote_storage_pool_event_refresh_msg in a MESSAGE frame. */
    static byte[] message(int callbackId, PoolEvent event) {
        XdrEncoder body = new XdrEncoder().writeInt(callbackId);
        StorageCodec.writePool(body, event.pool());
        int procedure;
        if (event.eventId() == PoolEvent.ID_LIFECYCLE) {
            body.writeInt(event.type()).writeInt(event.detail());
            procedure = EVENT_LIFECYCLE;
        } else {
            procedure = EVENT_REFRESH;
        }
        MessageHeader header = new MessageHeader(RemoteProgram.PROGRAM, RemoteProgram.VERSION, procedure,
                MessageType.MESSAGE, EVENT_SERIAL, MessageStatus.OK);
        return Frames.encode(header, body.toByteArray());
    }
}
