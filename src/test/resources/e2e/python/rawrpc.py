"""A bare libvirt RPC client over a Unix socket, for the end-to-end scripts: calls the C library never
makes, answers decoded as {"ok": ...} or {"code", "domain", "message"}."""
import socket
import struct

REMOTE, CALL, REPLY, MESSAGE = 0x20008086, 0, 1, 2


def xdr_string(s):
    data = s.encode()
    return struct.pack(">I", len(data)) + data + b"\0" * (-len(data) % 4)


class Raw:
    def __init__(self, path, norm=lambda s: s):
        self.s = socket.socket(socket.AF_UNIX)
        self.s.connect(path)
        self.s.settimeout(30)
        self.serial = 0
        self.norm = norm

    def recv(self, n):
        buf = b""
        while len(buf) < n:
            chunk = self.s.recv(n - len(buf))
            if not chunk:
                raise EOFError("daemon closed the connection")
            buf += chunk
        return buf

    def read(self):
        """One whole message: (prog, vers, proc, type, serial, status), payload."""
        (n,) = struct.unpack(">I", self.recv(4))
        body = self.recv(n - 4)
        return struct.unpack(">6i", body[:24]), body[24:]

    def call(self, proc, payload=b"", string_reply=False):
        self.serial += 1
        self.s.sendall(struct.pack(">7i", 28 + len(payload), REMOTE, 1, proc, CALL, self.serial, 0) + payload)
        while True:
            (prog, vers, rproc, typ, serial, status), body = self.read()
            if typ == REPLY and serial == self.serial:
                break
        if status == 0:
            if string_reply:  # a remote_nonnull_string
                (n,) = struct.unpack(">I", body[:4])
                return {"ok": body[4:4 + n].decode()}
            return {"ok": body.hex()}
        code, domain, mlen = struct.unpack(">i i 4x I", body[:16])
        return {"code": code, "domain": domain, "message": self.norm(body[16:16 + mlen].decode())}
