#!/usr/bin/env bash
# Fuzzes the harnesses of tests/fuzz with libFuzzer.
#   scripts/fuzz.sh [SECONDS] [TARGET...]     default: 10 seconds each, every target
# Builds them with clang -fsanitize=fuzzer,address,undefined in a build folder
# of their own (only the harnesses and the libraries they link), seeds each
# from the files its seeds.txt names (the shared Spack fixtures, this
# checkout, the ordinary build) plus its regressions/, copied into a scratch
# corpus, and runs it for SECONDS. A crash leaves the input in
# <work>/<target>/artifacts/: make it a regression test by adding it to
# tests/fuzz/<target>/regressions/ once the code under test is fixed.
# Exit 1 if any harness found something.
#   SPACKEXT_FUZZ_BUILD_DIR  (default ./build-fuzz)   the clang build
#   SPACKEXT_FUZZ_WORK_DIR   (default <build>/runs)   corpora, artifacts, logs
#   SPACKEXT_BUILD_DIR       (default ./build)        the ordinary build, for "build" seeds
#   SPACKEXT_SHARED_DIR      (default ../shared)      the shared fixtures
#   SPACKEXT_FUZZ_FLAGS      extra libFuzzer flags (e.g. -jobs=2 -workers=2)
#   SPACKEXT_FUZZ_NO_BUILD=1 run the harnesses as built (e.g. several runs of
#                            this script at once, one target each)
#   SPACKEXT_FUZZ_CPU=1      SECONDS is CPU time of the harness, not wall time:
#                            on a shared or niced machine, `scripts/fuzz.sh 1800`
#                            with this set gives each harness 30 CPU-minutes
#                            however long that takes on the clock
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds="${1:-10}"
[[ $# -gt 0 ]] && shift
[[ "$seconds" =~ ^[0-9]+$ ]] || { echo "usage: scripts/fuzz.sh [SECONDS] [TARGET...]" >&2; exit 2; }
build="${SPACKEXT_FUZZ_BUILD_DIR:-$root/build-fuzz}"
work="${SPACKEXT_FUZZ_WORK_DIR:-$build/runs}"
main_build="${SPACKEXT_BUILD_DIR:-$root/build}"
shared="${SPACKEXT_SHARED_DIR:-$root/../shared}"

for tool in clang-14 clang++-14; do
  command -v "$tool" >/dev/null || { echo "fuzz: $tool is missing (scripts/install-deps.sh installs it)" >&2; exit 1; }
done
if [[ ! -f "$build/build.ninja" ]]; then
  sanitizers="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 \
    -DCMAKE_C_FLAGS="$sanitizers" -DCMAKE_CXX_FLAGS="$sanitizers" \
    -DSPACKEXT_BUILD_TESTS=OFF -DSPACKEXT_BUILD_FUZZERS=ON -DSPACKEXT_FUZZ_LIBFUZZER=ON >/dev/null
fi
[[ "${SPACKEXT_FUZZ_NO_BUILD:-0}" == 1 ]] || cmake --build "$build" --target spackext_fuzzers

targets=("$@")
if ((${#targets[@]} == 0)); then
  for dir in "$root"/tests/fuzz/*/; do
    [[ -f "$dir/CMakeLists.txt" ]] && targets+=("$(basename "$dir")")
  done
fi

# Copies the seeds a seeds.txt names into $2 (file name suffix filter as in
# tests/fuzz/support/corpus_driver.cpp); ELF files lose their debug sections.
copy_seeds() {
  local list="$1" into="$2" rootname rel suffix base path
  [[ -f "$list" ]] || return 0
  while read -r rootname rel suffix; do
    case "$rootname" in
      fixtures) base="$shared/fixtures" ;;
      source) base="$root" ;;
      build) base="$main_build" ;;
      *) continue ;;
    esac
    path="$base/$rel"
    if [[ ! -e "$path" ]]; then
      echo "fuzz: skipping seeds absent from this machine: $path" >&2
      continue
    fi
    while IFS= read -r -d '' file; do
      local name
      name="$(echo "$file" | sha1sum | cut -c1-16)-$(basename "$file")"
      if [[ "$(head -c 4 "$file" | od -An -c | tr -d ' ')" == '177ELF' ]]; then
        strip --strip-debug -o "$into/$name" "$file"
      else
        cp "$file" "$into/$name"
      fi
    done < <(find "$path" -type f -name "*${suffix:-}" -print0)
  done < <(sed -e 's/#.*//' "$list")
}

# CPU seconds (user + system) the process has used so far.
cpu_seconds() {
  local stat ticks f
  stat="$(cat "/proc/$1/stat" 2>/dev/null)" || { echo 0; return; }
  stat="${stat##*) }"  # the command name may hold spaces: fields after it
  read -r -a f <<<"$stat"
  ticks=$((f[11] + f[12]))  # utime, stime: fields 14 and 15 of stat(5)
  echo $((ticks / $(getconf CLK_TCK)))
}

# Runs one harness for $seconds of wall time, or of its own CPU time with
# SPACKEXT_FUZZ_CPU=1 (then it is interrupted with SIGINT, as Ctrl-C would:
# libFuzzer prints its final statistics and exits with 72, which is then the
# end of the budget, not a finding).
run_harness() {
  local binary="$1" dir="$2" limit="$seconds" pid rc interrupted=0 unit_timeout=10 slow_unit=10
  # libFuzzer's per-input timeout and its "slow unit" report are wall-clock
  # time: on a busy machine, at idle priority, one input can wait longer than
  # 10 s for a core (seen: "timeouts" and 45 s "slow units" on inputs that
  # run in 50 ms). A hang still burns CPU and is still reported, after 10
  # minutes.
  [[ "${SPACKEXT_FUZZ_CPU:-0}" == 1 ]] && limit=0 unit_timeout=600 slow_unit=600  # 0: no wall-clock limit
  # shellcheck disable=SC2086
  SPACKEXT_SHARED_DIR="$shared" "$binary" -max_total_time="$limit" -timeout="$unit_timeout" -report_slow_units="$slow_unit" -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$dir/artifacts/" ${SPACKEXT_FUZZ_FLAGS:-} \
    "$dir/corpus" "$dir/seeds" >"$dir/fuzz.log" 2>&1 &
  pid=$!
  if [[ "${SPACKEXT_FUZZ_CPU:-0}" == 1 ]]; then
    while kill -0 "$pid" 2>/dev/null; do
      if (($(cpu_seconds "$pid") >= seconds)); then
        kill -INT "$pid" 2>/dev/null && interrupted=1
        break
      fi
      sleep 5
    done
  fi
  rc=0
  wait "$pid" || rc=$?
  ((interrupted && rc == 72)) && ! compgen -G "$dir/artifacts/*" >/dev/null && rc=0
  return "$rc"
}

failed=()
for target in "${targets[@]}"; do
  binary="$build/fuzz/fuzz-$target"
  [[ -x "$binary" ]] || { echo "fuzz: no harness named $target" >&2; exit 2; }
  dir="$work/$target"
  rm -rf "$dir/seeds"
  mkdir -p "$dir/corpus" "$dir/seeds" "$dir/artifacts"
  copy_seeds "$root/tests/fuzz/$target/seeds.txt" "$dir/seeds"
  [[ -d "$root/tests/fuzz/$target/regressions" ]] && cp "$root/tests/fuzz/$target/regressions/"* "$dir/seeds/" 2>/dev/null || true
  echo "fuzz: $target for ${seconds}s$([[ "${SPACKEXT_FUZZ_CPU:-0}" == 1 ]] && echo " of CPU") ($(ls "$dir/seeds" | wc -l) seeds, log $dir/fuzz.log)"
  # New inputs go to corpus/ (kept between runs); seeds/ is read only.
  if run_harness "$binary" "$dir"; then
    grep -E '^stat::number_of_executed_units|^#[0-9]+.*DONE' "$dir/fuzz.log" | tail -2 | sed "s/^/fuzz: $target: /"
  else
    echo "fuzz: $target FOUND SOMETHING: see $dir/fuzz.log and $dir/artifacts/" >&2
    grep -E 'ERROR: |FUZZ FINDING|SUMMARY' "$dir/fuzz.log" | head -5 >&2 || true
    failed+=("$target")
  fi
done
if ((${#failed[@]})); then
  echo "fuzz: findings in ${failed[*]}" >&2
  exit 1
fi
echo "fuzz: ${#targets[@]} harnesses, no finding"
