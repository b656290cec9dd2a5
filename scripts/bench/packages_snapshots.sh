#!/usr/bin/env bash
# Whole-process timings (never part of ctest) of `snapshot diff` between two
# 500-spec lockfiles, `snapshot create` of one, and `package env-create` for
# a 50-package family (after a one-off `package import`). Inputs come from
# make_pkgsnap_inputs.py, cloned from the Spack-made fixture lockfile.
#
#   scripts/bench/packages_snapshots.sh [build-dir]   (default: ./build)
#
# Uses hyperfine (Debian package); prints a Markdown table with wall time and
# CPU time (user+sys), which stays meaningful on a loaded machine.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${1:-$root/build}"
cmake --build "$build" --target spack-ext package snapshot >/dev/null
command -v hyperfine >/dev/null || { echo "needs hyperfine: apt-get install hyperfine" >&2; exit 1; }
lock="$root/../shared/fixtures/spack/env/spack.lock"
[[ -f "$lock" ]] || { echo "needs the shared fixture $lock" >&2; exit 1; }
host="$build/bin/spack-ext"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export HOME="$work/home" XDG_CACHE_HOME="$work/home/.cache" XDG_CONFIG_HOME="$work/home/.config" \
       XDG_DATA_HOME="$work/home/.local/share" XDG_STATE_HOME="$work/home/.local/state" SPACK_EXT_SITE_DIR="$work/site"
unset SPACK_EXT_PLUGIN_PATH SPACK_ROOT
mkdir -p "$HOME"
python3 "$root/scripts/bench/make_pkgsnap_inputs.py" "$lock" "$work/in" --specs 500 --packages 50
a=$("$host" snapshot create a --env "$work/in/a" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
b=$("$host" snapshot create b --env "$work/in/b" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
"$host" package import --family bench --from "$work/in/family" >/dev/null 2>&1
hyperfine -N --warmup 3 --runs 30 --export-json "$work/h.json" \
  -n "snapshot diff (500 vs 500 specs)" "$host snapshot diff $a $b" \
  -n "snapshot diff --json" "$host snapshot diff $a $b --json" \
  -n "snapshot create (500 specs)" "$host snapshot create c --env $work/in/a" \
  -n "spack-ext --version (start-up floor)" "$host --version" \
  -n "package env-create (50 packages)" "$host package env-create --family bench --profile optimized --arch zen4 --output $work/out.yaml" \
  >/dev/null
echo "| command | median ms | mean ms | σ ms | CPU ms (user+sys) |"
echo "|---|---:|---:|---:|---:|"
python3 - "$work/h.json" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print(f"| {r['command']} | {r['median']*1000:.1f} | {r['mean']*1000:.1f} | {r['stddev']*1000:.1f} "
          f"| {(r['user'] + r['system'])*1000:.1f} |")
PY
