#!/usr/bin/python3
"""Times a 1 GiB (or --mib) upload and download of one volume through python3-libvirt's sendAll/recvAll.
Usage: stream_bench.py URI POOL_DIR [--mib N]   (POOL_DIR must be writable by the daemon)"""
import os, sys, time, libvirt

uri, pooldir = sys.argv[1], sys.argv[2]
mib = int(sys.argv[sys.argv.index('--mib') + 1]) if '--mib' in sys.argv else 1024
size = mib * 1024 * 1024
conn = libvirt.open(uri)
try:
    old = conn.storagePoolLookupByName('bench')
    if old.isActive():
        old.destroy()
    old.undefine()
except libvirt.libvirtError:
    pass
pool = conn.storagePoolCreateXML("<pool type='dir'><name>bench</name><target><path>%s</path></target></pool>" % pooldir, 0)
vol = pool.createXML("<volume><name>b.img</name><capacity>%d</capacity><allocation>0</allocation></volume>" % size, 0)
block = os.urandom(1 << 20)

def source(st, nbytes, state):
    if state['left'] <= 0:
        return b''
    n = min(nbytes, state['left'], len(block))
    state['left'] -= n
    return block[:n]

st = conn.newStream(0)
vol.upload(st, 0, size, 0)
t0 = time.monotonic()
st.sendAll(source, {'left': size})
st.finish()
up = time.monotonic() - t0

got = [0]
def sink(st, data, opaque):
    got[0] += len(data)
    return len(data)

st = conn.newStream(0)
vol.download(st, 0, size, 0)
t0 = time.monotonic()
st.recvAll(sink, None)
st.finish()
down = time.monotonic() - t0
assert got[0] == size, got[0]
print("upload %.0f MiB/s download %.0f MiB/s" % (mib / up, mib / down))
vol.delete(0)
pool.destroy()
