#!/usr/bin/env python3
"""Writes a synthetic Spack buildcache in layout v3 for the sync benchmark.

  make_buildcache.py DIR [--specs 333] [--total-mib 2048] [--seed 1]

Every spec gets a gzip'd v5 spec blob, a tarball blob of random (so
incompressible) bytes and a spec manifest, as Spack 1.x writes them
(spack-formats.md, layout v3): with layout.json that is 3 x specs + 1 objects.
Tarball sizes follow a skewed spread (many small, a few of 60-200 MiB, so
multipart uploads happen) scaled to --total-mib. The index is left out on
purpose: `buildcache sync` publishes one at the destination.
"""
import argparse
import gzip
import hashlib
import json
import os
import random

ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"


def blob_path(root, sha):
    return os.path.join(root, "blobs", "sha256", sha[:2], sha)


def write_blob(root, data):
    sha = hashlib.sha256(data).hexdigest()
    path = blob_path(root, sha)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
    return sha


def spec_document(name, version, h):
    node = {
        "name": name, "version": version,
        "arch": {"platform": "linux", "platform_os": "debian12", "target": "x86_64_v3"},
        "namespace": "builtin",
        "parameters": {"build_system": "generic", "cflags": [], "cppflags": [], "cxxflags": [],
                       "fflags": [], "ldflags": [], "ldlibs": []},
        "package_hash": "".join(random.choice(ALPHABET) for _ in range(52)) + "====",
        "annotations": {"original_specfile_version": 5},
        "hash": h,
    }
    return {"spec": {"_meta": {"version": 5}, "nodes": [node]}}


def token_per_line(value):
    # json.dumps(value, indent=0, separators=(",", ":")), as Spack writes manifests
    return json.dumps(value, indent=0, separators=(",", ":"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir")
    ap.add_argument("--specs", type=int, default=333)
    ap.add_argument("--total-mib", type=int, default=2048)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    random.seed(a.seed)
    weights = [random.paretovariate(1.2) for _ in range(a.specs)]
    cap = max(weights) if max(weights) > 0 else 1
    weights = [min(w, cap * 0.25) for w in weights]
    scale = a.total_mib * 2**20 / sum(weights)
    os.makedirs(os.path.join(a.dir, "v3"), exist_ok=True)
    with open(os.path.join(a.dir, "v3", "layout.json"), "w") as f:
        f.write('{"signing": "gpg"}')
    for i, w in enumerate(weights):
        name, version = "bench%d" % i, "1.%d" % (i % 10)
        h = "".join(random.choice(ALPHABET) for _ in range(32))
        tarball = os.urandom(max(4096, int(w * scale)))
        spec = gzip.compress(json.dumps(spec_document(name, version, h), separators=(",", ":")).encode(), mtime=0)
        records = []
        for data, media in ((tarball, "application/vnd.spack.install.v2.tar+gzip"),
                            (spec, "application/vnd.spack.spec.v5+json")):
            records.append({"contentLength": len(data), "mediaType": media, "compression": "gzip",
                            "checksumAlgorithm": "sha256", "checksum": write_blob(a.dir, data)})
        mdir = os.path.join(a.dir, "v3", "manifests", "spec", name)
        os.makedirs(mdir, exist_ok=True)
        with open(os.path.join(mdir, "%s-%s-%s.spec.manifest.json" % (name, version, h)), "w") as f:
            f.write(token_per_line({"version": 3, "data": records}))


if __name__ == "__main__":
    main()
