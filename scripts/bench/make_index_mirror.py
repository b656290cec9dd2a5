#!/usr/bin/env python3
"""Writes a layout-v3 mirror holding only an index, for the `buildcache list` benchmark.

  make_index_mirror.py DIR [--specs 100000] [--seed 1]

The index (`database.version` 8, v5 nodes) is shaped like the one
bench_buildcache_index generates and like Spack's own: arch, parameters with
the six flag lists, package_hash, a `gcc` compiler edge with virtuals c/cxx,
three link dependencies, annotations; one `gcc` external that every spec
depends on. It is published the way `update-index` publishes it (spack-formats
layout v3): the index blob under blobs/sha256/, then
v3/manifests/index/index.manifest.json naming its checksum. `list` reads just
these two objects when a mirror has an index, so no spec manifests or
tarballs are written.
"""
import argparse
import hashlib
import json
import os
import random

ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--specs", type=int, default=100000)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    rng = random.Random(a.seed)

    def dag_hash():
        return "".join(rng.choice(ALPHABET) for _ in range(32))

    arch = {"platform": "linux", "platform_os": "debian12", "target": "x86_64_v4"}
    gcc = dag_hash()
    installs = {gcc: {"spec": {"name": "gcc", "version": "12.2.0", "arch": arch, "namespace": "builtin",
                               "external": {"path": "/usr", "module": None}, "hash": gcc},
                      "ref_count": a.specs, "in_buildcache": False}}
    hashes = []
    for i in range(a.specs):
        h = dag_hash()
        deps = [{"name": "gcc", "hash": gcc, "parameters": {"deptypes": ["build"], "virtuals": ["c", "cxx"]}}]
        for _ in range(3 if hashes else 0):
            deps.append({"name": "dep", "hash": rng.choice(hashes),
                         "parameters": {"deptypes": ["build", "link"], "virtuals": []}})
        node = {
            "name": "pkg%d" % (i % 5000),
            "version": "%d.%d" % (i % 7, i % 13),
            "arch": dict(arch, target="x86_64_v4" if i % 2 else "zen3"),
            "namespace": "builtin",
            "parameters": {"build_system": "cmake", "cflags": [], "cppflags": [], "cxxflags": [], "fflags": [],
                           "ldflags": [], "ldlibs": [], "shared": True},
            "package_hash": dag_hash() + dag_hash(),
            "dependencies": deps,
            "annotations": {"original_specfile_version": 5},
            "hash": h,
        }
        installs[h] = {"spec": node, "ref_count": 1, "in_buildcache": True}
        hashes.append(h)
    text = json.dumps({"database": {"version": "8", "installs": installs}}, separators=(",", ":")).encode()
    sha = hashlib.sha256(text).hexdigest()
    blob = os.path.join(a.dir, "blobs", "sha256", sha[:2], sha)
    os.makedirs(os.path.dirname(blob), exist_ok=True)
    with open(blob, "wb") as f:
        f.write(text)
    manifest = {"version": 3, "data": [{"contentLength": len(text), "mediaType": "application/vnd.spack.db.v8+json",
                                        "compression": "none", "checksumAlgorithm": "sha256", "checksum": sha}]}
    mdir = os.path.join(a.dir, "v3", "manifests", "index")
    os.makedirs(mdir, exist_ok=True)
    with open(os.path.join(mdir, "index.manifest.json"), "w") as f:
        f.write(json.dumps(manifest, indent=0, separators=(",", ":")))
    with open(os.path.join(a.dir, "v3", "layout.json"), "w") as f:
        f.write('{"signing": "gpg"}')


if __name__ == "__main__":
    main()
