#!/usr/bin/env bash
# Whole-process start-up timings of the host with 0, 20 and 100 plugins
# installed: `--version`, `help`, `plugin list`, and running one plugin's
# command (which loads exactly that plugin). Uses hyperfine (Debian package).
#
#   scripts/bench/startup.sh [build-dir]     (default: build-bench, Release)
#
# Plugins are copies of tests/bench/core's bench-plugin-0000.so renamed by
# rewriting the fixed-length name inside the file. Results: median and mean
# in milliseconds, as a Markdown table on stdout.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${1:-$root/build-bench}"
if [[ ! -f "$build/build.ninja" ]]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSPACKEXT_BUILD_BENCHMARKS=ON \
        -DSPACKEXT_BUILD_TESTS=OFF >/dev/null
fi
cmake --build "$build" --target spack-ext bench-plugin-0000 >/dev/null
template="$build/tests/bench/core/plugins/bench-plugin-0000.so"
. "$root/scripts/bench/isolated-home.sh"

echo "| plugins | command | median ms | mean ms | σ ms |"
echo "|---:|---|---:|---:|---:|"
for n in 0 20 100; do
  dir="$work/plugins-$n"
  mkdir -p "$dir"
  for ((i = 0; i < n; i++)); do
    python3 - "$template" "$dir/bench-plugin-$(printf %04d $i).so" "$(printf %04d $i)" <<'PY'
import sys
src, dst, num = sys.argv[1], sys.argv[2], sys.argv[3]
data = open(src, "rb").read().replace(b"bench-plugin-0000", b"bench-plugin-" + num.encode())
open(dst, "wb").write(data)
PY
  done
  chmod 755 "$dir"/* 2>/dev/null || true
  export SPACK_EXT_SYSTEM_PLUGIN_PATH="$dir"
  "$host" plugin list >/dev/null  # warm the manifest cache, as any second run would find it
  cmds=("--version" "help" "plugin list")
  ((n > 0)) && cmds+=("bench-plugin-0000")
  for c in "${cmds[@]}"; do
    hyperfine -N --warmup 5 --runs 60 --export-json "$work/r.json" "$host $c" >/dev/null 2>&1
    python3 - "$work/r.json" "$n" "$c" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print(f"| {sys.argv[2]} | `{sys.argv[3]}` | {r['median']*1000:.2f} | {r['mean']*1000:.2f} | {r['stddev']*1000:.2f} |")
PY
  done
done
