package org.virtstoraged.dispatch;

import io.smallrye.mutiny.Uni;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.BiFunction;
import org.virtstoraged.admin.AdminDaemon;
import org.virtstoraged.admin.TypedParam;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.ErrorDomain;
import org.virtstoraged.error.VirException;
import org.virtstoraged.rpc.admin.AdminProgram;
import org.virtstoraged.rpc.xdr.XdrDecoder;
import org.virtstoraged.rpc.xdr.XdrEncoder;
import org.virtstoraged.server.WorkerPool;

/**
 * The admin program (admin_protocol.x) as libvirt's daemons serve it to virt-admin: servers, their
 * worker pools and client limits, clients, logging settings and the auto-shutdown timeout. Every call
 * runs on the admin server's own worker pool, as in libvirt.
 */
public final class AdminProcedures {
    static final int SERVER_LIST_MAX = 16384;
    static final int THREADPOOL_PARAMETERS_MAX = 32;
    static final int CLIENT_LIST_MAX = 16384;
    static final int CLIENT_INFO_PARAMETERS_MAX = 64;
    static final int CLIENT_LIMITS_MAX = 32;

    private static final byte[] EMPTY = new byte[0];

    private final AdminDaemon daemon;
    private final Executor workers;
    private final Map<Integer, Procedure> table = new java.util.HashMap<>();

    public AdminProcedures(AdminDaemon daemon, Executor workers) {
        this.daemon = daemon;
        this.workers = workers;
        register();
    }

    public CallDispatcher dispatcher() {
        return new CallDispatcher(AdminProgram.PROGRAM, AdminProgram.VERSION, table::get);
    }

    Procedure lookup(int number) {
        return table.get(number);
    }

    private void put(int number, BiFunction<ClientContext, XdrDecoder, byte[]> body) {
        table.put(number, (client, args) -> Uni.createFrom().item(() -> body.apply(client, args)).runSubscriptionOn(workers));
    }

    private void register() {
        put(AdminProgram.CONNECT_OPEN, (c, a) -> {
            checkFlags(a.readInt(), 0, "adminDispatchConnectOpen");
            return EMPTY;
        });
        put(AdminProgram.CONNECT_CLOSE, (c, a) -> {
            c.requestClose();
            return EMPTY;
        });
        put(AdminProgram.CONNECT_GET_LIB_VERSION, (c, a) -> new XdrEncoder().writeHyper(ConnectProcedures.LIB_VERSION).toByteArray());
        put(AdminProgram.CONNECT_LIST_SERVERS, (c, a) -> listServers(a.readUnsignedInt(), a.readInt()));
        put(AdminProgram.CONNECT_LOOKUP_SERVER, (c, a) -> {
            String name = a.readString();
            a.readInt(); // adminConnectLookupServer checks the flags against themselves: any are accepted
            AdminDaemon.Server srv = server(name);
            return new XdrEncoder().writeString(srv.name()).toByteArray();
        });
        put(AdminProgram.SERVER_GET_THREADPOOL_PARAMETERS, (c, a) -> {
            AdminDaemon.Server srv = server(a.readString());
            checkFlags(a.readInt(), 0, "adminServerGetThreadPoolParameters");
            WorkerPool.Stats s = srv.workers().stats();
            return params(List.of(TypedParam.ofUInt("minWorkers", s.minWorkers()),
                    TypedParam.ofUInt("maxWorkers", s.maxWorkers()), TypedParam.ofUInt("nWorkers", s.nWorkers()),
                    TypedParam.ofUInt("freeWorkers", s.freeWorkers()), TypedParam.ofUInt("prioWorkers", s.prioWorkers()),
                    TypedParam.ofUInt("jobQueueDepth", s.jobQueueDepth())));
        });
        put(AdminProgram.SERVER_SET_THREADPOOL_PARAMETERS, (c, a) -> {
            AdminDaemon.Server srv = serverOrReport(a.readString());
            List<TypedParam> params = TypedParam.decodeList(a, THREADPOOL_PARAMETERS_MAX);
            checkFlags(a.readInt(), 0, "adminServerSetThreadPoolParameters");
            Map<String, Integer> allowed = new LinkedHashMap<>();
            allowed.put("minWorkers", TypedParam.UINT);
            allowed.put("maxWorkers", TypedParam.UINT);
            allowed.put("prioWorkers", TypedParam.UINT);
            TypedParam.validate(params, allowed, ErrorDomain.NONE);
            srv.workers().setParameters(uint(params, "minWorkers"), uint(params, "maxWorkers"), uint(params, "prioWorkers"));
            return EMPTY;
        });
        put(AdminProgram.SERVER_LIST_CLIENTS, (c, a) -> {
            AdminDaemon.Server srv = server(a.readString());
            long need = a.readUnsignedInt();
            int flags = a.readInt();
            if (need > CLIENT_LIST_MAX) {
                throw VirException.of(ErrorCode.RPC, ErrorDomain.ADMIN, "%s", "need_results too large");
            }
            checkFlags(flags, 0, "adminServerListClients");
            List<AdminDaemon.Client> clients = srv.clients();
            XdrEncoder out = new XdrEncoder();
            if (need > 0) {
                out.writeInt(clients.size());
                for (AdminDaemon.Client cl : clients) {
                    writeClient(out, srv.name(), cl);
                }
            } else {
                out.writeInt(0);
            }
            return out.writeUnsignedInt(clients.size()).toByteArray();
        });
        put(AdminProgram.SERVER_LOOKUP_CLIENT, (c, a) -> {
            AdminDaemon.Server srv = server(a.readString());
            long id = a.readHyper();
            checkFlags(a.readInt(), 0, "adminServerLookupClient");
            AdminDaemon.Client cl = client(srv, id);
            XdrEncoder out = new XdrEncoder();
            writeClient(out, srv.name(), cl);
            return out.toByteArray();
        });
        put(AdminProgram.CLIENT_GET_INFO, (c, a) -> {
            String name = a.readString();
            long id = a.readHyper();
            a.readHyper();
            a.readInt();
            int flags = a.readInt();
            AdminDaemon.Server srv = daemon.server(name).orElseThrow(() -> VirException.of(ErrorCode.NO_SERVER,
                    ErrorDomain.ADMIN, "no server with matching name '%s' found", name));
            AdminDaemon.Client cl = srv.client(id).orElseThrow(() -> VirException.of(ErrorCode.NO_CLIENT,
                    ErrorDomain.ADMIN, "no client with matching id '%s' found", Long.toUnsignedString(id)));
            checkFlags(flags, 0, "adminClientGetInfo");
            return params(clientInfo(cl));
        });
        put(AdminProgram.CLIENT_CLOSE, (c, a) -> {
            AdminDaemon.Server srv = server(a.readString());
            long id = a.readHyper();
            a.readHyper();
            a.readInt();
            int flags = a.readInt();
            AdminDaemon.Client cl = client(srv, id);
            checkFlags(flags, 0, "adminClientClose");
            cl.close().run();
            return EMPTY;
        });
        put(AdminProgram.SERVER_GET_CLIENT_LIMITS, (c, a) -> {
            AdminDaemon.Server srv = server(a.readString());
            checkFlags(a.readInt(), 0, "adminServerGetClientLimits");
            return params(List.of(TypedParam.ofUInt("nclients_max", srv.maxClients()),
                    TypedParam.ofUInt("nclients", srv.clients().size()),
                    TypedParam.ofUInt("nclients_unauth_max", srv.maxUnauthClients()),
                    TypedParam.ofUInt("nclients_unauth", srv.currentUnauthClients())));
        });
        put(AdminProgram.SERVER_SET_CLIENT_LIMITS, (c, a) -> {
            AdminDaemon.Server srv = serverOrReport(a.readString());
            List<TypedParam> params = TypedParam.decodeList(a, CLIENT_LIMITS_MAX);
            checkFlags(a.readInt(), 0, "adminServerSetClientLimits");
            Map<String, Integer> allowed = new LinkedHashMap<>();
            allowed.put("nclients_max", TypedParam.UINT);
            allowed.put("nclients_unauth_max", TypedParam.UINT);
            TypedParam.validate(params, allowed, ErrorDomain.NONE);
            srv.setClientLimits(uint(params, "nclients_max"), uint(params, "nclients_unauth_max"));
            return EMPTY;
        });
        put(AdminProgram.CONNECT_GET_LOGGING_OUTPUTS, (c, a) -> {
            checkFlags(a.readInt(), 0, "adminConnectGetLoggingOutputs");
            return new XdrEncoder().writeString(daemon.logging().outputs())
                    .writeUnsignedInt(daemon.logging().outputCount()).toByteArray();
        });
        put(AdminProgram.CONNECT_GET_LOGGING_FILTERS, (c, a) -> {
            checkFlags(a.readInt(), 0, "adminConnectGetLoggingFilters");
            int n = daemon.logging().filterCount();
            return new XdrEncoder().writeOptionalString(n == 0 ? null : daemon.logging().filters())
                    .writeUnsignedInt(n).toByteArray();
        });
        put(AdminProgram.CONNECT_SET_LOGGING_OUTPUTS, (c, a) -> {
            String outputs = a.readOptionalString();
            checkFlags(a.readInt(), 0, "adminConnectSetLoggingOutputs");
            daemon.logging().setOutputs(outputs);
            return EMPTY;
        });
        put(AdminProgram.CONNECT_SET_LOGGING_FILTERS, (c, a) -> {
            String filters = a.readOptionalString();
            checkFlags(a.readInt(), 0, "adminConnectSetLoggingFilters");
            daemon.logging().setFilters(filters);
            return EMPTY;
        });
        put(AdminProgram.SERVER_UPDATE_TLS_FILES, (c, a) -> {
            server(a.readString());
            checkFlags(a.readInt(), 0, "adminServerUpdateTlsFiles");
            // our daemon offers unix sockets only: like libvirt without a TLS listener
            throw VirException.of(ErrorCode.INTERNAL_ERROR, ErrorDomain.RPC, "%s",
                    "no tls service found, unable to update tls files");
        });
        put(AdminProgram.CONNECT_SET_DAEMON_TIMEOUT, (c, a) -> {
            long timeout = a.readUnsignedInt();
            checkFlags(a.readInt(), 0, "adminConnectSetDaemonTimeout");
            daemon.setAutoShutdown((int) Math.min(Integer.MAX_VALUE, timeout));
            return EMPTY;
        });
    }

    private byte[] listServers(long need, int flags) {
        if (need > SERVER_LIST_MAX) {
            throw VirException.of(ErrorCode.RPC, ErrorDomain.ADMIN, "%s", "need_results too large");
        }
        checkFlags(flags, 0, "adminConnectListServers");
        List<AdminDaemon.Server> servers = daemon.servers();
        XdrEncoder out = new XdrEncoder();
        if (need > 0) {
            out.writeInt(servers.size());
            servers.forEach(s -> out.writeString(s.name()));
        } else {
            out.writeInt(0);
        }
        return out.writeUnsignedInt(servers.size()).toByteArray();
    }

    /** virNetDaemonGetServer's error. */
    private AdminDaemon.Server server(String name) {
        return daemon.server(name).orElseThrow(() -> VirException.of(ErrorCode.NO_SERVER, ErrorDomain.RPC,
                "No server named '%s'", name));
    }

    /** The dispatchers that report a missing server themselves, over virNetDaemonGetServer's error. */
    private AdminDaemon.Server serverOrReport(String name) {
        return daemon.server(name).orElseThrow(() -> VirException.of(ErrorCode.NO_SERVER, ErrorDomain.ADMIN,
                "no server with matching name '%s' found", name));
    }

    /** virNetServerGetClient's error. */
    private static AdminDaemon.Client client(AdminDaemon.Server srv, long id) {
        return srv.client(id).orElseThrow(() -> VirException.of(ErrorCode.NO_CLIENT, ErrorDomain.RPC,
                "No client with matching ID '%s'", Long.toUnsignedString(id)));
    }

    private static void checkFlags(int flags, int allowed, String function) {
        if ((flags & ~allowed) != 0) {
            throw VirException.unsupportedFlags(ErrorDomain.ADMIN, function, flags & ~allowed);
        }
    }

    private static long uint(List<TypedParam> params, String field) {
        return TypedParam.get(params, field).map(TypedParam::uintValue).orElse(-1L);
    }

    private static byte[] params(List<TypedParam> params) {
        XdrEncoder out = new XdrEncoder();
        TypedParam.encodeList(out, params);
        return out.toByteArray();
    }

    private static void writeClient(XdrEncoder out, String server, AdminDaemon.Client c) {
        out.writeString(server).writeHyper(c.id()).writeHyper(c.timestamp()).writeUnsignedInt(c.transport());
    }

    /**
     * adminClientGetInfo for a local (unix socket) client: readonly, then the client's identity, which is
     * the forwarded one once a forwarding daemon has sent CONNECT_SET_IDENTITY.
     */
    static List<TypedParam> clientInfo(AdminDaemon.Client c) {
        List<TypedParam> list = new ArrayList<>();
        list.add(TypedParam.ofBoolean("readonly", c.readonly()));
        ClientIdentity id = c.identity();
        // what the identity has, in adminClientGetInfo's order (ids as ints, as libvirt sends them)
        Object[] fields = {"sasl_user_name", id.saslUserName(), "unix_user_id", id.unixUserId(),
                "unix_user_name", id.userName(), "unix_group_id", id.unixGroupId(),
                "unix_group_name", id.groupName(), "unix_process_id", id.processId(),
                "selinux_context", id.selinuxContext()};
        for (int i = 0; i < fields.length; i += 2) {
            String name = (String) fields[i];
            Object value = fields[i + 1];
            if (value instanceof Long n) {
                list.add(TypedParam.ofInt(name, n.intValue()));
            } else if (value != null) {
                list.add(TypedParam.ofString(name, (String) value));
            }
        }
        return list;
    }
}
