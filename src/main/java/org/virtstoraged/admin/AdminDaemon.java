package org.virtstoraged.admin;

import java.util.List;
import java.util.Optional;
import org.virtstoraged.dispatch.ClientIdentity;
import org.virtstoraged.server.WorkerPool;

/** What the admin program sees of the daemon (libvirt's virNetDaemon): its servers, logging, timeout. */
public interface AdminDaemon {
    /** The servers in the order CONNECT_LIST_SERVERS reports them. */
    List<Server> servers();

    default Optional<Server> server(String name) {
        return servers().stream().filter(s -> s.name().equals(name)).findFirst();
    }

    LoggingControl logging();

    /** virNetDaemonAutoShutdown: exit after this many seconds without any client; 0 never. */
    void setAutoShutdown(int seconds);

    /** One virNetServer: "virtstoraged" (the rw/ro sockets) or "admin". */
    interface Server {
        String name();

        WorkerPool workers();

        long maxClients();

        long maxUnauthClients();

        /** Clients waiting for authentication; the unix sockets authenticate at once. */
        default long currentUnauthClients() {
            return 0;
        }

        /** virNetServerSetClientLimits; negative leaves a limit as it is. */
        void setClientLimits(long maxClients, long maxUnauthClients);

        /** The connected clients, oldest first. */
        List<Client> clients();

        default Optional<Client> client(long id) {
            return clients().stream().filter(c -> c.id() == id).findFirst();
        }
    }

    /**
     * One connected client: libvirt's id, connection time in seconds since the epoch, transport
     * (0 unix), whether its socket is the read-only one, its identity (its peer's, or the one a
     * forwarding daemon passed on), and how to drop it.
     */
    record Client(long id, long timestamp, int transport, boolean readonly, ClientIdentity identity, Runnable close) {
        public static final int TRANSPORT_UNIX = 0;
    }
}
