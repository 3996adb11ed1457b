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
