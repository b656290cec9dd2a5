#!/usr/bin/env bash
# Whole-process timing of `spack-ext config generate` (auto-detect on this
# machine, and a catalog instance type), with hyperfine when installed, else
# a loop with date +%s%N. Runs in a private HOME so the tool-version cache
# starts cold; the first (cold) run is reported separately.
# Usage: tests/bench/config/generate_timing.sh <build-dir> [runs]
set -euo pipefail
build=${1:?usage: generate_timing.sh <build-dir> [runs]}
runs=${2:-20}
host="$(cd "$build" && pwd)/bin/spack-ext"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export HOME="$work/home" XDG_CACHE_HOME="$work/home/.cache" XDG_CONFIG_HOME="$work/home/.config"
mkdir -p "$HOME"
out="$work/scope"

start=$(date +%s%N)
"$host" config generate --auto-detect --output "$out" >/dev/null
end=$(date +%s%N)
echo "cold (no remembered tool versions): $(((end - start) / 1000000)) ms"

commands=("$host config generate --auto-detect --output $out"
          "$host config generate --provider aws --instance-type hpc7a.96xlarge --output $out"
          "$host config validate $out")
if command -v hyperfine >/dev/null; then
  hyperfine -N --warmup 3 --runs "$runs" "${commands[@]}"
else
  for c in "${commands[@]}"; do
    start=$(date +%s%N)
    for ((i = 0; i < runs; i++)); do $c >/dev/null; done
    end=$(date +%s%N)
    echo "$c: $(((end - start) / runs / 1000000)) ms per run ($runs runs)"
  done
fi
