#!/usr/bin/env bash
# Whole-process timings of `spack-ext ci generate` rendering the 516-node
# stack (shared fixture deploy/stack-516.json) for each backend, with
# hyperfine (Debian package). Never part of ctest.
#
#   scripts/bench/ci_generate.sh [build-dir]     (default: ./build)
#
# Output: a Markdown table (median and mean wall clock, mean user+system CPU,
# ms) on stdout. On a shared machine the CPU column is the steadier one.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${1:-$root/build}"
stack="${SPACKEXT_SHARED_DIR:-$root/../shared}/fixtures/deploy/stack-516.json"
[[ -f "$stack" ]] || { echo "needs the shared fixture $stack" >&2; exit 1; }
command -v hyperfine >/dev/null || { echo "needs hyperfine: apt-get install hyperfine" >&2; exit 1; }
cmake --build "$build" --target spack-ext deploy ci ci-gitlab ci-github ci-jenkins ci-argo >/dev/null
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export HOME="$work/home" XDG_CACHE_HOME="$work/home/.cache"
mkdir -p "$HOME"
host="$build/bin/spack-ext"
"$host" --version >/dev/null  # fill the manifest cache first, as on any machine after one run
echo "| backend | median ms | mean ms | CPU ms |"
echo "|---|---|---|---|"
for backend in gitlab github jenkins argo; do
  cmd="$host ci generate --graph $stack --backend $backend --image spack/ubuntu-jammy -o $work/out-$backend"
  hyperfine --warmup 3 --runs 20 --export-json "$work/$backend.json" -N "$cmd" >/dev/null 2>&1
  python3 - "$work/$backend.json" "$backend" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print(f"| {sys.argv[2]} | {r['median'] * 1000:.1f} | {r['mean'] * 1000:.1f} | {(r['user'] + r['system']) * 1000:.1f} |")
PY
done
