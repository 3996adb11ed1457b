"""How the end-to-end scripts record what a python3-libvirt call answered: {"ok": value} with libvirt
objects by name, or {"error": {"code", "domain", "message"}}."""
import libvirt


def err(e):
    return {"error": {"code": e.get_error_code(), "domain": e.get_error_domain(), "message": str(e)}}


def plain(value):
    """Objects a call returns are recorded by name."""
    if isinstance(value, libvirt.virStoragePool):
        return {"pool": value.name()}
    if isinstance(value, libvirt.virStorageVol):
        return {"vol": value.name()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def call(fn):
    """What fn() answered: {"ok": value} or libvirt's error."""
    try:
        return {"ok": plain(fn())}
    except libvirt.libvirtError as e:
        return err(e)


def normalized(fn, normalize):
    """{"ok": what fn returned} or its error; a returned string and an error message pass through normalize
    (the transcripts' markers for ports, uuids and paths that differ between runs)."""
    try:
        value = fn()
        return {"ok": normalize(value) if isinstance(value, str) else value}
    except libvirt.libvirtError as e:
        r = err(e)
        r["error"]["message"] = normalize(r["error"]["message"])
        return r
