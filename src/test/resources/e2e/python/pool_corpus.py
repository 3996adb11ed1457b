#!/usr/bin/python3
"""Defines libvirt's storage pool XML test inputs on a daemon and saves what it gives back.

Usage: pool_corpus.py URI TESTS_DIR OUT_DIR NAME...
For each NAME: storagePoolDefineXML(TESTS_DIR/storagepoolxml2xmlin/NAME.xml), then
XMLDesc(VIR_STORAGE_XML_INACTIVE) is written, untouched, to OUT_DIR/NAME.xml, and the pool is undefined.
A libvirt error is written to OUT_DIR/NAME.error as "code domain message" (define) and an error of the
undefine to OUT_DIR/NAME.undefine-error. The comparison with storagepoolxml2xmlout/NAME.xml is the caller's.
"""
import os
import sys

import libvirt

libvirt.registerErrorHandler(lambda ctx, err: None, None)  # keep libvirt's own stderr report quiet

uri, tests, out, names = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
conn = libvirt.open(uri)


def describe(e):
    return "%d %d %s\n" % (e.get_error_code(), e.get_error_domain(), e)


def write(path, text):
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(text)


for name in names:
    with open(os.path.join(tests, "storagepoolxml2xmlin", name + ".xml"), encoding="utf-8") as f:
        xml = f.read()
    try:
        pool = conn.storagePoolDefineXML(xml, 0)
    except libvirt.libvirtError as e:
        write(os.path.join(out, name + ".error"), describe(e))
        continue
    try:
        write(os.path.join(out, name + ".xml"), pool.XMLDesc(libvirt.VIR_STORAGE_XML_INACTIVE))
    except libvirt.libvirtError as e:
        write(os.path.join(out, name + ".error"), describe(e))
    try:
        pool.undefine()
    except libvirt.libvirtError as e:
        write(os.path.join(out, name + ".undefine-error"), describe(e))
conn.close()
