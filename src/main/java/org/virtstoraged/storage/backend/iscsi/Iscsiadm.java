package org.virtstoraged.storage.backend.iscsi;

import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.jboss.logging.Logger;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.ErrorDomain;
import org.virtstoraged.error.VirException;
import org.virtstoraged.storage.command.CommandResult;
import org.virtstoraged.storage.command.CommandRunner;

/**
 * libvirt 9.0's viriscsi.c: the kernel initiator driven through iscsiadm. Which exit statuses count as
 * failures differs per command, as in libvirt: the session list and the node and iface updates ignore them,
 * discovery, login, logout and rescan do not.
 */
public final class Iscsiadm {
    private static final Logger LOG = Logger.getLogger(Iscsiadm.class);

    private final CommandRunner runner;
    private final IscsiadmCommands commands;
    private final Supplier<String> newIfaceName;

    /**
     * @param iscsiadm     the iscsiadm to run (libvirt uses the absolute path it was built with)
     * @param newIfaceName the name for an interface created for an initiator IQN: libvirt-iface- and 32 random
     *                     bits in hex (tests fix it, as libvirt's test mocks its random numbers)
     */
    public Iscsiadm(CommandRunner runner, String iscsiadm, Supplier<String> newIfaceName) {
        this.runner = runner;
        this.commands = new IscsiadmCommands(iscsiadm);
        this.newIfaceName = newIfaceName;
    }

    public Iscsiadm(CommandRunner runner) {
        this(runner, IscsiadmCommands.DEFAULT_PATH, Iscsiadm::randomIfaceName);
    }

    static String randomIfaceName() {
        return String.format("libvirt-iface-%08x", new java.security.SecureRandom().nextInt());
    }

    /**
     * virISCSIGetSession: the id of the session logged in to the target. iscsiadm's exit status is ignored (it
     * fails when there is no session at all); without probe, no session is an error carrying its stderr.
     */
    public Optional<String> session(String target, boolean probe) {
        CommandResult result = runner.run(commands.sessions());
        Optional<String> session = IscsiadmOutput.session(result.stdout(), target);
        if (session.isEmpty() && !probe) {
            throw VirException.of(ErrorCode.INTERNAL_ERROR, ErrorDomain.NONE, "cannot find iscsiadm session: %s",
                    result.stderr());
        }
        return session;
    }

    /** virISCSIScanTargets: sendtargets discovery, through the interface of the initiator IQN if one is given. */
    public List<String> scanTargets(String portal, String initiatorIqn, boolean persist) {
        String iface = null;
        if (initiatorIqn != null) {
            iface = findIface(initiatorIqn).orElseThrow(() -> VirException.of(ErrorCode.OPERATION_FAILED,
                    ErrorDomain.NONE, "no iSCSI interface defined for IQN %s", initiatorIqn));
        }
        return discover(portal, iface, persist);
    }

    public void login(String portal, String initiatorIqn, String target) {
        connection(portal, initiatorIqn, target, "--login");
    }

    public void logout(String portal, String initiatorIqn, String target) {
        connection(portal, initiatorIqn, target, "--logout");
    }

    /** virISCSINodeNew: the static node record login needs; here a non-zero status is an error of its own. */
    public void nodeNew(String portal, String target) {
        CommandResult result = runner.run(commands.nodeNew(portal, target));
        if (!result.succeeded()) {
            throw VirException.of(ErrorCode.INTERNAL_ERROR, ErrorDomain.NONE,
                    "%s failed new mode for target '%s' with status '%d'", commands.program(), target,
                    result.exitCode());
        }
    }

    /** virISCSINodeUpdate: libvirt ignores the exit status (a value iscsiadm refuses goes unnoticed). */
    public void nodeUpdate(String portal, String target, String name, String value) {
        CommandResult result = runner.run(commands.nodeUpdate(portal, target, name, value));
        if (!result.succeeded()) {
            LOG.debugf("iscsiadm node update of %s for %s: status %d", name, target, result.exitCode());
        }
    }

    /** virISCSIRescanLUNs. */
    public void rescan(String session) {
        List<String> argv = commands.rescan(session);
        runner.run(argv).requireSuccess(argv);
    }

    private void connection(String portal, String initiatorIqn, String target, String operation) {
        String iface = null;
        if (initiatorIqn != null) {
            Optional<String> found = findIface(initiatorIqn);
            if (found.isPresent()) {
                iface = found.get();
            } else {
                iface = createIface(initiatorIqn);
                // iscsiadm only takes commands for a new interface's node after a sendtargets through it,
                // kept persistent so the node record exists
                discover(portal, iface, true);
            }
        }
        List<String> argv = commands.connection(portal, target, operation, iface);
        runner.run(argv).requireSuccess(argv);
    }

    private Optional<String> findIface(String initiatorIqn) {
        List<String> argv = commands.ifaces();
        CommandResult result = runner.run(argv).requireSuccess(argv);
        return IscsiadmOutput.ifaceFor(result.stdout(), initiatorIqn, commands.program());
    }

    /**
     * virStorageBackendCreateIfaceIQN: both commands' statuses are ignored (old iscsiadm failed when it had
     * succeeded); whether the interface now shows decides. When it does not, libvirt reports nothing.
     */
    private String createIface(String initiatorIqn) {
        String name = newIfaceName.get();
        runner.run(commands.ifaceNew(name));
        runner.run(commands.ifaceSetInitiator(name, initiatorIqn));
        return findIface(initiatorIqn).orElseThrow(() -> VirException.of(ErrorCode.INTERNAL_ERROR,
                ErrorDomain.NONE, "%s", "An error occurred, but the cause is unknown"));
    }

    private List<String> discover(String portal, String iface, boolean persist) {
        List<String> argv = commands.sendTargets(portal, iface, persist);
        return IscsiadmOutput.targets(runner.run(argv).requireSuccess(argv).stdout());
    }
}
