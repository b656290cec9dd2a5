#!/usr/bin/env python3
"""Inputs for scripts/bench/packages_snapshots.sh.

  make_pkgsnap_inputs.py LOCKFILE OUT_DIR [--specs N] [--packages M]

Writes OUT_DIR/a/ and OUT_DIR/b/ (spack.yaml + spack.lock of N concrete specs
each, made by cloning the nodes of a real Spack lockfile under new names and
hashes; b changes the version of every tenth spec and drops/adds a few) and
OUT_DIR/family/ (M package definitions of one family, each with dependencies,
three profiles and compatibility ranges).
"""
import argparse
import copy
import hashlib
import json
import os


def h32(text):
    alphabet = "abcdefghijklmnopqrstuvwxyz234567"
    digest = hashlib.sha1(text.encode()).digest()
    n = int.from_bytes(digest, "big")
    return "".join(alphabet[(n >> (5 * i)) & 31] for i in range(32))


def lockfile(template, count, changed):
    base = next(iter(template["concrete_specs"].values()))
    specs, roots = {}, []
    for i in range(count):
        if changed and i % 50 == 7:
            continue  # removed in b
        node = copy.deepcopy(base)
        node["name"] = f"pkg-{i:04d}"
        node["version"] = f"1.{i % 7}" + (".1" if changed and i % 10 == 0 else "")
        node["dependencies"] = []
        if i > 0:
            dep = f"pkg-{i - 1:04d}"
            node["dependencies"].append({"name": dep, "hash": h32(dep + str(changed and (i - 1) % 10 == 0)),
                                         "parameters": {"deptypes": ["build", "link"], "virtuals": []}})
        node["hash"] = h32(node["name"] + str(changed and i % 10 == 0))
        specs[node["hash"]] = node
        if i % 25 == 0:
            roots.append({"hash": node["hash"], "spec": node["name"]})
    if changed:
        for j in range(5):
            node = copy.deepcopy(base)
            node["name"], node["version"], node["dependencies"] = f"new-{j}", "2.0", []
            node["hash"] = h32(node["name"])
            specs[node["hash"]] = node
    out = dict(template)
    out["roots"], out["concrete_specs"] = roots, specs
    return out


def main():
    p = argparse.ArgumentParser()
    p.add_argument("lockfile")
    p.add_argument("out")
    p.add_argument("--specs", type=int, default=500)
    p.add_argument("--packages", type=int, default=50)
    a = p.parse_args()
    template = json.load(open(a.lockfile))
    for side, changed in (("a", False), ("b", True)):
        os.makedirs(os.path.join(a.out, side), exist_ok=True)
        with open(os.path.join(a.out, side, "spack.yaml"), "w") as f:
            f.write("spack:\n  specs: [pkg-0000]\n")
        with open(os.path.join(a.out, side, "spack.lock"), "w") as f:
            json.dump(lockfile(template, a.specs, changed), f)
    family = os.path.join(a.out, "family")
    os.makedirs(family, exist_ok=True)
    for i in range(a.packages):
        deps = [f"fam-{j:03d}@1.0:" for j in range(max(0, i - 3), i)] + ["python@3.10:", "hdf5+mpi", "py-numpy@1.24:"]
        with open(os.path.join(family, f"fam-{i:03d}.yaml"), "w") as f:
            f.write(f"name: fam-{i:03d}\nfamily: bench\nversion: '1.{i}'\ndescription: package {i}\n")
            f.write("dependencies:\n" + "".join(f"  - '{d}'\n" for d in deps))
            f.write("profiles:\n  quick:\n    variants: ~opt\n  optimized:\n    variants: +opt +vec\n"
                    "    cflags: -O3\n    compilers:\n      gcc: {cflags: -O3 -march=native}\n"
                    "  debug:\n    variants: +debug ~opt\n    cflags: -g -O0\n")
            f.write("compatibility:\n  python: '>=3.9,<3.13'\n  numpy: '>=1.20'\n")


if __name__ == "__main__":
    main()
