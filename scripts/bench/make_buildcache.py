#!/usr/bin/env python3
"""Writes a synthetic Spack buildcache for the sync and update-index benchmarks.

  make_buildcache.py DIR [--specs 333] [--total-mib 2048] [--seed 1] [--layout v3|oci|v2]
                         [--age-hours H]

v3: every spec gets a gzip'd v5 spec blob, a tarball blob of random (so
incompressible) bytes and a spec manifest, as Spack 1.x writes them
(spack-formats.md, layout v3): with layout.json that is 3 x specs + 1 objects.
oci: a registry dump (blobs/sha256/<hex>, manifests/<tag>, tags/list) with,
per spec, an image config holding the spec file, the tarball as its one
layer and the image manifest (spack-formats.md section 2); the same tarballs.
v2: build_cache/<stem>.spec.json (with binary_cache_checksum) and the
tarball at build_cache/<arch>/<compiler>/<name>-<version>/<stem>.spack.
--age-hours sets the modification time of every file written H hours back
(a cache pushed earlier than its index, as on a mirror in use).
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
import time

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
    ap.add_argument("--layout", choices=["v3", "oci", "v2"], default="v3")
    ap.add_argument("--age-hours", type=float, default=0)
    a = ap.parse_args()
    random.seed(a.seed)
    weights = [random.paretovariate(1.2) for _ in range(a.specs)]
    cap = max(weights) if max(weights) > 0 else 1
    weights = [min(w, cap * 0.25) for w in weights]
    scale = a.total_mib * 2**20 / sum(weights)
    if a.layout == "v3":
        os.makedirs(os.path.join(a.dir, "v3"), exist_ok=True)
        with open(os.path.join(a.dir, "v3", "layout.json"), "w") as f:
            f.write('{"signing": "gpg"}')
    tags = []
    written = []
    for i, w in enumerate(weights):
        name, version = "bench%d" % i, "1.%d" % (i % 10)
        h = "".join(random.choice(ALPHABET) for _ in range(32))
        tarball = os.urandom(max(4096, int(w * scale)))
        doc = spec_document(name, version, h)
        if a.layout == "oci":
            write_oci_image(a.dir, name, version, h, doc, tarball, tags)
            continue
        if a.layout == "v2":
            written += write_v2_spec(a.dir, name, version, h, doc, tarball)
            continue
        spec = gzip.compress(json.dumps(doc, separators=(",", ":")).encode(), mtime=0)
        records = []
        for data, media in ((tarball, "application/vnd.spack.install.v2.tar+gzip"),
                            (spec, "application/vnd.spack.spec.v5+json")):
            records.append({"contentLength": len(data), "mediaType": media, "compression": "gzip",
                            "checksumAlgorithm": "sha256", "checksum": write_blob(a.dir, data)})
        mdir = os.path.join(a.dir, "v3", "manifests", "spec", name)
        os.makedirs(mdir, exist_ok=True)
        manifest = os.path.join(mdir, "%s-%s-%s.spec.manifest.json" % (name, version, h))
        with open(manifest, "w") as f:
            f.write(token_per_line({"version": 3, "data": records}))
        written += [manifest] + [blob_path(a.dir, r["checksum"]) for r in records]
    if a.layout == "oci":
        os.makedirs(os.path.join(a.dir, "tags"), exist_ok=True)
        with open(os.path.join(a.dir, "tags", "list"), "w") as f:
            f.write(json.dumps({"name": "bench/buildcache", "tags": tags}, separators=(",", ":")))
    if a.age_hours:
        when = time.time() - a.age_hours * 3600
        for path in written:
            os.utime(path, (when, when))


def write_v2_spec(root, name, version, h, doc, tarball):
    """A layout v2 entry: spec file directly in build_cache/, tarball below."""
    stem = "linux-debian12-x86_64_v3-none-none-%s-%s-%s" % (name, version, h)
    tdir = os.path.join(root, "build_cache", "linux-debian12-x86_64_v3", "none-none", "%s-%s" % (name, version))
    os.makedirs(tdir, exist_ok=True)
    tpath = os.path.join(tdir, stem + ".spack")
    with open(tpath, "wb") as f:
        f.write(tarball)
    spec = dict(doc)
    spec["binary_cache_checksum"] = {"hash_algorithm": "sha256", "hash": hashlib.sha256(tarball).hexdigest()}
    spath = os.path.join(root, "build_cache", stem + ".spec.json")
    with open(spath, "w") as f:
        f.write(json.dumps(spec, separators=(",", ":")))
    return [tpath, spath]


def write_oci_image(root, name, version, h, doc, tarball, tags):
    """One Spack OCI image: config (image config + spec file keys), one layer."""
    layer = write_blob_oci(root, tarball)
    config = {
        "architecture": "amd64", "os": "linux",
        "rootfs": {"type": "layers", "diff_ids": ["sha256:" + hashlib.sha256(tarball).hexdigest()]},
        "config": {"Env": []},
        "spec": doc["spec"], "buildcache_layout_version": 3,
        "binary_cache_checksum": {"hash_algorithm": "sha256", "hash": layer},
        "archive_size": len(tarball), "archive_timestamp": "2026-11-21T00:00:00", "archive_compression": "gzip",
    }
    config_bytes = json.dumps(config, separators=(",", ":")).encode()
    config_sha = write_blob_oci(root, config_bytes)
    manifest = {
        "mediaType": "application/vnd.oci.image.manifest.v1+json", "schemaVersion": 2,
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": "sha256:" + config_sha,
                   "size": len(config_bytes)},
        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": "sha256:" + layer,
                    "size": len(tarball)}],
        "annotations": {"org.opencontainers.image.description": "%s@%s" % (name, version)},
    }
    tag = "%s-%s-%s.spack" % (name, version, h)
    os.makedirs(os.path.join(root, "manifests"), exist_ok=True)
    with open(os.path.join(root, "manifests", tag), "w") as f:
        f.write(json.dumps(manifest, separators=(",", ":")))
    tags.append(tag)


def write_blob_oci(root, data):
    sha = hashlib.sha256(data).hexdigest()
    path = os.path.join(root, "blobs", "sha256", sha)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
    return sha

if __name__ == "__main__":
    main()
