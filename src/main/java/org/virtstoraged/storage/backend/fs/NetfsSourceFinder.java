package org.virtstoraged.storage.backend.fs;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;
import org.virtstoraged.error.ErrorCode;
import org.virtstoraged.error.ErrorDomain;
import org.virtstoraged.error.VirException;
import org.virtstoraged.storage.backend.gluster.GlusterVolumeInfo;
import org.virtstoraged.storage.command.CommandResult;
import org.virtstoraged.storage.command.CommandRunner;
import org.virtstoraged.storage.model.PoolHost;
import org.virtstoraged.storage.model.PoolSource;
import org.virtstoraged.storage.model.PoolType;
import org.virtstoraged.storage.xml.PoolXml;

/**
 * find-storage-pool-sources for netfs (virStorageBackendFileSystemNetFindPoolSources): the NFS exports of the
 * host from {@code showmount --no-headers --exports HOST}, then its gluster volumes from
 * {@code gluster --xml --log-file=/dev/null volume info all --remote-host=HOST} when the gluster tool is
 * installed; an error only when both find nothing usable.
 */
public final class NetfsSourceFinder {
    private static final Logger LOG = Logger.getLogger(NetfsSourceFinder.class);
    /** One export per line: its directory (which may contain spaces), blanks, then the allowed clients. */
    private static final Pattern EXPORT_LINE = Pattern.compile("^(/.*\\S) +\\S+$");

    private final CommandRunner runner;
    private final FsTools tools;

    public NetfsSourceFinder(CommandRunner runner, FsTools tools) {
        this.runner = runner;
        this.tools = tools;
    }

    public String find(String sourceSpec, int flags) {
        if (flags != 0) {
            throw VirException.unsupportedFlags(ErrorDomain.STORAGE,
                    "virStorageBackendFileSystemNetFindPoolSources", flags);
        }
        if (sourceSpec == null) {
            throw VirException.of(ErrorCode.INVALID_ARG, ErrorDomain.STORAGE,
                    "hostname must be specified for netfs sources");
        }
        PoolSource spec = PoolXml.parseSourceString(sourceSpec, PoolType.NETFS);
        if (spec.hosts().size() != 1) {
            throw VirException.of(ErrorCode.CONFIG_UNSUPPORTED, ErrorDomain.STORAGE,
                    "Expected exactly 1 host for the storage pool");
        }
        String host = spec.hosts().get(0).name();
        List<PoolSource> found = new ArrayList<>();
        boolean nfsOk = findNfs(host, found);
        int gluster = findGluster(host, found);
        if (!nfsOk && gluster == 0) {
            throw VirException.of(ErrorCode.OPERATION_FAILED, ErrorDomain.STORAGE,
                    "no storage pools were found on host '%s'", host);
        }
        return PoolXml.formatSourceList(PoolType.NETFS, found);
    }

    /** The showmount part (virCommandRunRegex): false when the command failed or an export was unusable. */
    boolean findNfs(String host, List<PoolSource> found) {
        List<String> argv = List.of(tools.showmount(), "--no-headers", "--exports", host);
        CommandResult r = runner.run(argv);
        if (!r.succeeded()) {
            LOG.debugf("%s failed (%d): %s", argv, r.exitCode(), r.stderr());
            return false;
        }
        for (String line : r.stdout().split("\n")) {
            Matcher m = EXPORT_LINE.matcher(line);
            if (!m.matches()) {
                continue;
            }
            String path = m.group(1);
            if (path.endsWith("/")) {
                // libvirt: "invalid netfs path (ends in /)"; the exports already listed are kept
                LOG.debugf("invalid netfs path (ends in /): %s", path);
                return false;
            }
            found.add(PoolSource.builder().hosts(List.of(new PoolHost(host, 0))).dir(path).format("nfs").build());
        }
        return true;
    }

    /** virStorageBackendFindGlusterPoolSources without reporting a missing tool: the number of volumes found. */
    int findGluster(String host, List<PoolSource> found) {
        Optional<String> gluster = tools.which().apply("gluster");
        if (gluster.isEmpty()) {
            return 0;
        }
        List<String> names = GlusterVolumeInfo.query(runner, gluster.get(), host).orElse(List.of());
        for (String name : names) {
            found.add(PoolSource.builder().hosts(List.of(new PoolHost(host, 0))).dir(name).format("glusterfs")
                    .build());
        }
        return names.size();
    }
}
