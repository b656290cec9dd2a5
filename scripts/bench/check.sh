#!/usr/bin/env bash
# Whole-process timing of `buildcache check` on the fixtures: the
# environment's spack.lock (7 nodes, 2 externals) against the largest
# fixture mirror (v2 and v3 layouts side by side, signed), by its index and
# with --scan; then against all five fixture mirrors (v3 and v2, signed and
# unsigned, and the OCI registry dump) configured at once. `buildcache list`
# of the same mirror is the reference for "open a mirror, read its index".
# hyperfine, 20 runs after 3 warm-ups.
#
# Then at scale: a synthetic v3 mirror of 10,000 specs (make_buildcache.py,
# index published by `buildcache update-index`) and a lockfile of 500 of
# its nodes plus 20 it lacks, by index and with --scan (5 runs).
#
#   scripts/bench/check.sh [build-dir] [shared-dir]   (default: ./build ../shared)
#
# Results: a Markdown table on stdout.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${1:-$root/build}"
shared="${2:-$root/../shared}"
fixtures="$(cd "$shared/fixtures/spack" && pwd)"
lock="$fixtures/env/spack.lock"
largest="$fixtures/buildcache-v2-and-v3-migrated-signed"
. "$root/scripts/bench/isolated-home.sh"
for m in v3-signed v3-unsigned v2-signed v2-unsigned; do
  "$host" buildcache add-mirror "$m" "$fixtures/buildcache-$m" >/dev/null
done
"$host" buildcache add-mirror oci "$fixtures/oci/registry-dump/v2/peer/buildcache" >/dev/null
echo "| command | median ms | mean ms | σ ms | CPU ms (user+sys) |"
echo "|---|---:|---:|---:|---:|"
row() {
  local label="$1"; shift
  # check exits 1 when something is missing (the fixtures were pushed
  # --only package): -i keeps hyperfine timing it.
  hyperfine -N -i --warmup "${warmup:-3}" --runs "${runs:-20}" --export-json "$work/r.json" "$@" >/dev/null 2>&1
  python3 - "$work/r.json" "$label" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
cpu = (r["user"] + r["system"]) * 1000
print(f"| {sys.argv[2]} | {r['median']*1000:.1f} | {r['mean']*1000:.1f} | {r['stddev']*1000:.1f} | {cpu:.1f} |")
PY
}
row '`check --lock` vs the v2+v3 mirror, index' "$host buildcache check --lock $lock --mirror file://$largest"
row '`check --lock` vs the v2+v3 mirror, `--scan`' "$host buildcache check --lock $lock --mirror file://$largest --scan"
row '`check --lock --json` vs all 5 fixture mirrors (configured)' "$host --json buildcache check --lock $lock"
row '`list` of the v2+v3 mirror (reference)' "$host buildcache list file://$largest"
row '`--version` (host start-up)' "$host --version"

big="$work/big"
python3 "$root/scripts/bench/make_buildcache.py" "$big" --specs 10000 --total-mib 40 >/dev/null
"$host" buildcache update-index "file://$big" >/dev/null
python3 - "$big" "$work/big.lock" <<'PY'
import json, sys
big, out = sys.argv[1], sys.argv[2]
manifest = json.load(open(f"{big}/v3/manifests/index/index.manifest.json"))
sha = manifest["data"][0]["checksum"]
installs = json.load(open(f"{big}/blobs/sha256/{sha[:2]}/{sha}"))["database"]["installs"]
hashes = sorted(installs)[::20]  # 500 of the 10,000
concrete = {h: installs[h]["spec"] for h in hashes}
for i, h in enumerate(hashes[:20]):  # 20 nodes no mirror holds: one letter of the hash changed
    node = dict(installs[h]["spec"])
    node["hash"] = ("a" if h[0] != "a" else "b") + h[1:]
    concrete[node["hash"]] = node
lock = {"_meta": {"file-type": "spack-lockfile", "lockfile-version": 6, "specfile-version": 5},
        "spack": {"version": "1.1.0", "type": "release"},
        "roots": [{"hash": h, "spec": installs[h]["spec"]["name"]} for h in hashes],
        "concrete_specs": concrete}
json.dump(lock, open(out, "w"))
PY
bigrow() { runs=5 warmup=1 row "$@"; }
bigrow '`check --lock` (520 nodes) vs 10,000 specs, index' "$host buildcache check --lock $work/big.lock --mirror file://$big"
bigrow '`check --lock` (520 nodes) vs 10,000 specs, `--scan`' "$host buildcache check --lock $work/big.lock --mirror file://$big --scan"
bigrow '`list` of the 10,000 specs (reference)' "$host buildcache list file://$big"
