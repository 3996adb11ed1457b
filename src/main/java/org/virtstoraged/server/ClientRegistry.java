package org.virtstoraged.server;

import io.vertx.core.net.NetSocket;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Every connected client of the daemon, so that idleness and shutdown can see them all, grouped by the
 * server they belong to (the admin socket's clients form the "admin" server). A server at its client
 * limit takes no new client: as libvirt stops accepting, a new connection waits, unread, until a place
 * is free (or the limit is raised).
 */
final class ClientRegistry {
    /** The limit of one server: whether it can take one more client now. */
    interface Admission {
        boolean full(int current);
    }

    private record Held(NetSocket socket, Function<Runnable, ClientConnection> factory) {
    }

    private final Map<Long, ClientConnection> clients = new LinkedHashMap<>();
    private final Map<Boolean, ArrayDeque<Held>> held = Map.of(true, new ArrayDeque<>(), false, new ArrayDeque<>());
    private volatile Admission mainAdmission = n -> false;
    private volatile Admission adminAdmission = n -> false;
    private volatile long lastActivityNanos = System.nanoTime();
    private volatile Predicate<ClientConnection> allowed = c -> true;

    /** A client the predicate refuses is disconnected at once (libvirt: the admin server's client check). */
    void allow(Predicate<ClientConnection> check) {
        this.allowed = check;
    }

    void admissions(Admission main, Admission admin) {
        this.mainAdmission = main;
        this.adminAdmission = admin;
    }

    /** Creates a client through the factory, which receives the callback to run when it closes. */
    synchronized void add(Function<Runnable, ClientConnection> factory) {
        long[] id = new long[1];
        ClientConnection c = factory.apply(() -> removed(id[0]));
        id[0] = c.id();
        clients.put(c.id(), c);
        lastActivityNanos = System.nanoTime();
        if (!allowed.test(c)) {
            c.close();
        }
    }

    /** A new connection on a socket of the given role: served now, or held while its server is full. */
    synchronized void accept(NetSocket socket, SocketRole role, Function<Runnable, ClientConnection> factory) {
        boolean admin = role == SocketRole.ADMIN;
        if (!held.get(admin).isEmpty() || (admin ? adminAdmission : mainAdmission).full(count(admin))) {
            socket.pause();
            Held h = new Held(socket, factory);
            held.get(admin).addLast(h);
            socket.closeHandler(v -> {
                synchronized (this) {
                    held.get(admin).remove(h);
                }
            });
            return;
        }
        add(factory);
    }

    private void removed(long id) {
        ClientConnection gone;
        synchronized (this) {
            gone = clients.remove(id);
            lastActivityNanos = System.nanoTime();
        }
        if (gone != null) {
            admitWaiting();
        }
    }

    /** Serves held connections while their server has room (after a client left or a limit rose). */
    synchronized void admitWaiting() {
        for (boolean admin : new boolean[] {false, true}) {
            ArrayDeque<Held> queue = held.get(admin);
            while (!queue.isEmpty() && !(admin ? adminAdmission : mainAdmission).full(count(admin))) {
                Held h = queue.pollFirst();
                add(h.factory());
                h.socket().resume();
            }
        }
    }

    private int count(boolean admin) {
        return (int) clients.values().stream().filter(c -> (c.role() == SocketRole.ADMIN) == admin).count();
    }

    /** Clients of the main server still authenticating (libvirt's nclients_unauth). */
    synchronized int unauthenticated() {
        return (int) clients.values().stream()
                .filter(c -> c.role() != SocketRole.ADMIN && !c.context().authenticated()).count();
    }

    synchronized int count() {
        return clients.size();
    }

    /** The clients of one server, oldest first. */
    synchronized List<ClientConnection> clients(Predicate<SocketRole> server) {
        List<ClientConnection> list = new ArrayList<>();
        for (ClientConnection c : clients.values()) {
            if (server.test(c.role())) {
                list.add(c);
            }
        }
        return list;
    }

    /** Nanoseconds since the last client came or went, or 0 while any client is connected. */
    synchronized long idleNanos() {
        return clients.isEmpty() ? System.nanoTime() - lastActivityNanos : 0;
    }

    void closeAll() {
        List<ClientConnection> all;
        List<Held> waiting = new ArrayList<>();
        synchronized (this) {
            all = new ArrayList<>(clients.values());
            held.values().forEach(waiting::addAll);
            held.values().forEach(ArrayDeque::clear);
        }
        all.forEach(ClientConnection::close);
        waiting.forEach(h -> h.socket().close());
    }
}
