#!/usr/bin/python3
"""What a python3-libvirt program sees of a storage daemon's connection, as JSON (one call per key).
Run against libvirtd 9.0 to record the reference, and against our daemon to compare."""
import json
import sys

import libvirt

libvirt.registerErrorHandler(lambda ctx, err: None, None)  # keep libvirt's own stderr report quiet


def outcome(fn):
    try:
        return {"ok": fn()}
    except libvirt.libvirtError as e:
        return {"code": e.get_error_code(), "domain": e.get_error_domain(), "message": str(e)}


conn = libvirt.open(sys.argv[1])
result = {
    "getType": outcome(conn.getType),
    "getLibVersion": outcome(conn.getLibVersion),
    "isSecure": outcome(conn.isSecure),
    "isEncrypted": outcome(conn.isEncrypted),
    "isAlive": outcome(conn.isAlive),
    "getHostname": outcome(conn.getHostname),
    "getVersion": outcome(conn.getVersion),
    "getSysinfo": outcome(lambda: conn.getSysinfo(0)),
    "getMaxVcpus": outcome(lambda: conn.getMaxVcpus(None)),
    "listAllStoragePools": outcome(lambda: [p.name() for p in conn.listAllStoragePools(0)]),
    "listAllStoragePools(bad flag)": outcome(lambda: conn.listAllStoragePools(1 << 20)),
    "listAllNetworks": outcome(lambda: conn.listAllNetworks(0)),
}
result["close"] = outcome(conn.close)
print(json.dumps(result, indent=1, sort_keys=True))
