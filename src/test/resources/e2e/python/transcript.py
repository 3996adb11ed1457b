"""The steps a transcript script records: each {"step": NAME, ...}, a call's result as answers.err/ok, the
pool's figures as signs (they depend on the machine), written as sorted, indented JSON."""
import json

import libvirt
from answers import err


def sign(n):
    return "wrapped (>= 2^63)" if n >= 2 ** 63 else (">0" if n > 0 else "0")


class Transcript:
    def __init__(self, normalize):
        """normalize: applied to every error message and XML text recorded"""
        self.normalize = normalize
        self.steps = []

    def call(self, fn):
        try:
            return {"ok": fn()}
        except libvirt.libvirtError as e:
            r = err(e)
            r["error"]["message"] = self.normalize(r["error"]["message"])
            return r

    def record(self, step, **results):
        self.steps.append(dict(step=step, **results))

    def xml_lines(self, fn):
        return self.call(lambda: self.normalize(fn()).splitlines())

    def pool_info(self, p):
        """state and the signs of capacity, allocation, available"""
        def f():
            state, cap, alloc, avail = p.info()
            return {"state": state, "capacity": sign(cap), "allocation": sign(alloc), "available": sign(avail)}
        return self.call(f)

    def write(self, path):
        with open(path, "w", encoding="utf-8") as f:
            json.dump(self.steps, f, indent=1, sort_keys=True)
            f.write("\n")
