#!/usr/bin/env bash
# Whole-process timings of `health check` (never part of ctest), with
# hyperfine: every check without the network (--offline), then single checks.
# Version queries are never cached, so every run starts the tools it checks.
# The offline rows are timed twice: with this shell's PATH (which may start
# with pyenv shims) and with PATH=/usr/local/bin:/usr/bin:/bin (no shims).
#
#   scripts/bench/health.sh [build-dir]      (default: ./build)
#
# Results: a Markdown table on stdout.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="${1:-$root/build}"
. "$root/scripts/bench/isolated-home.sh"
mkdir -p "$HOME"

echo "| command | median ms | mean ms | σ ms | CPU ms (user+sys) |"
echo "|---|---:|---:|---:|---:|"
row() {
  local label="$1"
  shift
  hyperfine -N --warmup 2 --runs 15 -i --export-json "$work/r.json" "$*" >/dev/null 2>&1
  python3 - "$work/r.json" "$label" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print(f"| `{sys.argv[2]}` | {r['median']*1000:.1f} | {r['mean']*1000:.1f} | {r['stddev']*1000:.1f} "
      f"| {(r['user'] + r['system'])*1000:.1f} |")
PY
}
plain="env PATH=/usr/local/bin:/usr/bin:/bin"
row "--version" "$host" --version
row "health check --offline" "$host" health check --offline
row "health check --offline (PATH without shims)" $plain "$host" health check --offline
row "health check --offline --check disk --check spack --check modules" "$host" health check --offline --check disk --check spack --check modules
row "health check --check tools" "$host" health check --check tools
row "health check --check tools (PATH without shims)" $plain "$host" health check --check tools
row "health check --check compilers" "$host" health check --check compilers
row "health check --check configs" "$host" health check --check configs
row "health check --check plugins" "$host" health check --check plugins
row "plugin doctor" "$host" plugin doctor
