#!/usr/bin/env bash
# Whole-process timing of `container build-defs` for N generated definitions
# (default 50: half amd64, half arm64, each with a spack: packages: section
# and a files mapping) and of `container list` on them, with hyperfine.
#
#   scripts/bench/container.sh [build-dir] [N]     (default: ./build 50)
#
# Results: a Markdown table on stdout.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${1:-$root/build}"
n="${2:-50}"
. "$root/scripts/bench/isolated-home.sh"
mkdir -p "$HOME" "$work/defs/amd64" "$work/defs/arm64"
for i in $(seq 1 "$n"); do
  arch=amd64; (( i % 2 )) || arch=arm64
  mkdir -p "$work/defs/files/app$i"
  printf '#!/bin/sh\necho app %s\n' "$i" > "$work/defs/files/app$i/run.sh"
  cat > "$work/defs/$arch/app$i.yaml" <<YAML
spack:
  specs:
  - app$i@1.$i.0 +mpi
  - zlib
  packages:
    mpi:
      require: openmpi
    app$i:
      variants: +shared
spacktainer:
  files:
  - files/app$i/run.sh:/opt/app$i/run.sh
YAML
done
echo "| command ($n definitions) | median ms | mean ms | σ ms |"
echo "|---|---:|---:|---:|"
row() {
  hyperfine -N --warmup 3 --runs 30 --export-json "$work/r.json" "$host $*" >/dev/null 2>&1
  python3 - "$work/r.json" "$*" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
cmd = sys.argv[2].replace(sys.argv[2].split()[2], "DEFS", 1) if len(sys.argv[2].split()) > 2 else sys.argv[2]
print(f"| `{cmd}` | {r['median']*1000:.1f} | {r['mean']*1000:.1f} | {r['stddev']*1000:.1f} |")
PY
}
row container build-defs "$work/defs" --output "$work/out" --mirror file:///srv/cache
row container list "$work/defs"
row --version
