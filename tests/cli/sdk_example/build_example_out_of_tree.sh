#!/usr/bin/env bash
# Installs the build into a temp prefix, builds sdk/examples/hello as a
# separate CMake project with find_package(SpackExt), and runs the result
# through the installed host.
set -euo pipefail
build_dir=$1 example_src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

cmake --install "$build_dir" --prefix "$work/prefix" >/dev/null
[[ -f "$work/prefix/lib/cmake/SpackExt/SpackExtConfig.cmake" ]] || fail "SDK CMake package not installed"
[[ -f "$work/prefix/include/spackext/plugin.hpp" ]] || fail "SDK headers not installed"

cmake -S "$example_src" -B "$work/example" -G Ninja -DCMAKE_PREFIX_PATH="$work/prefix" \
      -DCMAKE_BUILD_TYPE=Release >"$work/configure.log" 2>&1 || { cat "$work/configure.log"; fail "configure"; }
cmake --build "$work/example" >"$work/build.log" 2>&1 || { cat "$work/build.log"; fail "build"; }
[[ -f "$work/example/hello.so" ]] || fail "hello.so not built"

export HOME="$work/home" XDG_CACHE_HOME="$work/home/.cache" XDG_CONFIG_HOME="$work/home/.config" \
       XDG_DATA_HOME="$work/home/.local/share" XDG_STATE_HOME="$work/home/.local/state" SPACK_EXT_SITE_DIR="$work/site"
unset SPACK_EXT_PLUGIN_PATH SPACK_EXT_SYSTEM_PLUGIN_PATH
mkdir -p "$HOME"
host="$work/prefix/bin/spack-ext"
out=$("$host" --plugin-path "$work/example" --events "$work/events.jsonl" hello Tester)
[[ "$out" == "Hello, Tester!" ]] || fail "unexpected output: $out"
grep -q '"topic":"hello.greeted"' "$work/events.jsonl" || fail "no hello.greeted event"
# The out-of-tree build comes first on the search path, so it wins over the
# installed copy of the same plugin (equal priority), which is shown shadowed.
info=$("$host" --plugin-path "$work/example" --json plugin info hello)
echo "$info" | grep -q "\"path\": \"$work/example/hello.so\"" || fail "out-of-tree plugin not listed: $info"
echo "$info" | grep -q '"state": "shadowed"' || fail "installed copy not shown as shadowed: $info"
echo "out-of-tree example plugin built against the installed SDK and ran"
