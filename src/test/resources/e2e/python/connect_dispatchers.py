#!/usr/bin/python3
"""The daemon's own answers to the connect-level procedures that libvirt serves without a storage driver
method: hand-written dispatchers (authentication, domain events, identity, close callbacks, features)
and the library (type, URI, library version), before and after CONNECT_OPEN, from a bare RPC client.
Prints JSON; run against libvirtd 9.0 to record the reference and against our daemon to compare.
Also which names CONNECT_OPEN takes and what CONNECT_GET_URI then answers.
Usage: connect_dispatchers.py SOCKET URI"""
import json
import struct
import sys

from rawrpc import Raw, xdr_string

sock, uri = sys.argv[1], sys.argv[2]


def ints(*v):
    return struct.pack(">%di" % len(v), *v)


DOMAIN = xdr_string("vm") + bytes(range(16)) + ints(-1)  # remote_nonnull_domain: name, uuid, id
CALLS = [
    ("CONNECT_GET_TYPE", 3, b""),
    ("CONNECT_GET_VERSION", 4, b""),
    ("CONNECT_GET_HOSTNAME", 59, b""),
    ("CONNECT_SUPPORTS_FEATURE keepalive", 60, ints(10, )),
    ("CONNECT_SUPPORTS_FEATURE 9999", 60, ints(9999)),
    ("AUTH_LIST", 66, b""),
    ("AUTH_SASL_INIT", 67, b""),
    ("AUTH_SASL_START", 68, xdr_string("PLAIN") + ints(0, 0)),
    ("AUTH_SASL_STEP", 69, ints(0, 0)),
    ("CONNECT_DOMAIN_EVENT_REGISTER", 105, b""),
    ("CONNECT_DOMAIN_EVENT_DEREGISTER", 106, b""),
    ("CONNECT_GET_URI", 110, b""),
    ("CONNECT_IS_SECURE", 149, b""),
    ("CONNECT_GET_LIB_VERSION", 157, b""),
    ("CONNECT_DOMAIN_EVENT_REGISTER_ANY 0", 167, ints(0)),
    ("CONNECT_DOMAIN_EVENT_REGISTER_ANY 16", 167, ints(16)),
    ("CONNECT_DOMAIN_EVENT_REGISTER_ANY -1", 167, ints(-1)),
    ("CONNECT_DOMAIN_EVENT_DEREGISTER_ANY 3", 168, ints(3)),
    ("CONNECT_DOMAIN_EVENT_DEREGISTER_ANY 16", 168, ints(16)),
    ("CONNECT_GET_CPU_MODEL_NAMES", 312, xdr_string("x86_64") + ints(10, 0)),
    ("CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY 26", 316, ints(26, 0)),
    ("CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY 27", 316, ints(27, 0)),
    ("CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY with domain", 316, ints(0, 1) + DOMAIN),
    ("CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY 7", 317, ints(7)),
    ("CONNECT_GET_ALL_DOMAIN_STATS", 344, ints(0, 0, 0)),
    ("CONNECT_REGISTER_CLOSE_CALLBACK", 360, b""),
    ("CONNECT_UNREGISTER_CLOSE_CALLBACK", 361, b""),
    ("CONNECT_SET_IDENTITY", 419, ints(0, 0)),
]

raw = Raw(sock)
result = {}
for phase in ("before open", "after open"):
    if phase == "after open":
        result["CONNECT_OPEN"] = raw.call(1, ints(1) + xdr_string(uri) + ints(0))
    for name, proc, args in CALLS:
        result["%s: %d %s" % (phase, proc, name)] = raw.call(proc, args, string_reply=proc in (3, 110))
# the URI GET_URI answers is the opened one as libvirt formats it (virURIFormat), or the open fails
for name in ("storage:///session", "storage:///session?foo=bar", "storage:///session#frag", "storage:/session",
             "STORAGE:///session", "storage:////session"):
    name = name.replace("/session", uri[len("storage://"):])
    fresh = Raw(sock)
    opened = fresh.call(1, ints(1) + xdr_string(name) + ints(0))
    result["open %s, then GET_URI" % name] = [opened, fresh.call(110, string_reply=True) if "ok" in opened else None]
print(json.dumps(result, indent=1, sort_keys=True))
