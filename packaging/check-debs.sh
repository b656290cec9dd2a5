#!/usr/bin/env bash
# Checks the built .debs without installing them: extracts them with
# dpkg-deb -x into a private root, then
#   - the FHS layout (/usr/bin, /usr/lib/<multiarch>/spack-ext/plugins,
#     /usr/share/spack-ext/templates, /etc/spack-ext, SONAME links),
#   - the extracted host: --version, plugin list (every shipped plugin
#     usable from the packaged folder), the demo steps (scripts/demo.d),
#   - a signed bundle packed and installed by the packaged host,
#   - the example plugin built out of tree against the extracted
#     libspackext-dev (CMake package and pkg-config) and run by the host.
# With --system it then installs the packages on this machine (apt-get
# install ./*.deb), runs the installed host, removes them again and checks
# that nothing is left behind; it refuses if any of them is installed
# already, so it never removes what it did not install.
#   packaging/check-debs.sh [--system] [DEB_DIR]    (default: build-deb/packages)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
system=0
if [[ "${1:-}" == "--system" ]]; then system=1; shift; fi
debs="${1:-$root/build-deb/packages}"
fail() { echo "check-debs: FAIL: $*" >&2; exit 1; }
shopt -s nullglob
files=("$debs"/*.deb)
((${#files[@]} == 3)) || fail "expected 3 .deb files in $debs, found ${#files[@]}"
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
chmod 700 "$work"

# --- extracted -----------------------------------------------------------------
fsroot="$work/root"
for deb in "${files[@]}"; do dpkg-deb -x "$deb" "$fsroot"; done
libdir="$fsroot/usr/lib/$multiarch"
for f in usr/bin/spack-ext "usr/lib/$multiarch/spack-ext/libspackext-bundles.so" \
         "usr/lib/$multiarch/libspackext.so.1" "usr/lib/$multiarch/libspackext-http.so.1" \
         "usr/lib/$multiarch/libspackext.so" "usr/lib/$multiarch/cmake/SpackExt/SpackExtConfig.cmake" \
         "usr/lib/$multiarch/pkgconfig/libspackext.pc" usr/include/spackext/spackext.hpp \
         "usr/lib/$multiarch/libspackext-sqlite.so.1" "usr/lib/$multiarch/libspackext-microarch.so.1" usr/share/man/man1/spack-ext.1.gz \
         usr/share/man/man1/spack-ext-buildcache.1.gz usr/share/bash-completion/completions/spack-ext \
         etc/spack-ext/config.yaml usr/share/doc/spack-ext/copyright; do
  [[ -e "$fsroot/$f" ]] || fail "/$f is not in the packages"
done
plugins=("$libdir"/spack-ext/plugins/*.so)
((${#plugins[@]} > 10)) || fail "only ${#plugins[@]} plugins in /usr/lib/$multiarch/spack-ext/plugins"
[[ -n "$(ls "$fsroot/usr/share/spack-ext/templates")" ]] || fail "no templates in /usr/share/spack-ext/templates"
soname=$(objdump -p "$libdir/libspackext.so.1" | awk '/SONAME/{print $2}')
[[ "$soname" == "libspackext.so.1" ]] || fail "libspackext SONAME is '$soname'"
for deb in "${files[@]}"; do
  dpkg-deb -f "$deb" Package Depends
done
dpkg-deb -f "$debs"/spack-ext_*.deb Depends | grep -q 'libc6' || fail "spack-ext has no computed dependencies"

export HOME="$work/home" XDG_CONFIG_HOME="$work/home/.config" XDG_CACHE_HOME="$work/home/.cache" \
       XDG_STATE_HOME="$work/home/.local/state" XDG_DATA_HOME="$work/home/.local/share" \
       SPACK_EXT_SITE_DIR="$fsroot/etc/spack-ext" LD_LIBRARY_PATH="$libdir"
unset SPACK_EXT_PLUGIN_PATH SPACK_EXT_SYSTEM_PLUGIN_PATH
mkdir -p "$HOME"
bin="$fsroot/usr/bin/spack-ext"
"$bin" --version
"$bin" --json plugin list >"$work/list.json"
python3 - "$work/list.json" "$libdir/spack-ext/plugins" "${#plugins[@]}" <<'PY' || fail "plugin list of the extracted host"
import json, sys
doc = json.load(open(sys.argv[1]))
bad = [p for p in doc if p["state"] != "available" or not p["path"].startswith(sys.argv[2])]
assert not bad, bad
assert len(doc) == int(sys.argv[3]), (len(doc), sys.argv[3])
print(f"plugin list: {len(doc)} packaged plugins available")
PY

# The demo's steps, run by the packaged host.
step() { printf '\n$ spack-ext %s\n' "$*"; "$bin" "$@"; }
step --events "$work/events.jsonl" hello Debian
for extra in "$root"/scripts/demo.d/*.sh; do
  # shellcheck disable=SC1090
  source "$extra"
done

# A bundle, packed and installed by the packaged host.
export GNUPGHOME="$work/publisher-gpg"
mkdir -m 700 "$GNUPGHOME"
gpg --batch --quiet --passphrase '' --quick-gen-key 'Debian check <check@example.invalid>' ed25519 sign 1d
fpr=$(gpg --list-secret-keys --with-colons | awk -F: '/^fpr/{print $10; exit}')
gpg --batch --armor --export "$fpr" >"$work/publisher.asc"
mkdir -p "$work/bundle-src"
cp "$libdir/spack-ext/plugins/hello.so" "$work/bundle-src/"
"$bin" plugin pack "$work/bundle-src" --key "$fpr" -o "$work/hello-bundle.bundle"
"$bin" plugin trust add "$work/publisher.asc"
"$bin" plugin install "$work/hello-bundle.bundle"
"$bin" plugin verify
"$bin" plugin remove hello-bundle
gpgconf --kill gpg-agent
unset GNUPGHOME

# The example plugin, built against the extracted libspackext-dev.
cmake -S "$root/sdk/examples/hello" -B "$work/example" -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_PREFIX_PATH="$fsroot/usr" >"$work/configure.log" 2>&1 || { cat "$work/configure.log"; fail "configure the example"; }
cmake --build "$work/example" >"$work/build.log" 2>&1 || { cat "$work/build.log"; fail "build the example"; }
grep -q "$fsroot/usr/lib/$multiarch/cmake/SpackExt" "$work/example/CMakeCache.txt" || fail "example did not use the packaged SDK"
out=$("$bin" --plugin-path "$work/example" hello Packager)
[[ "$out" == "Hello, Packager!" ]] || fail "example plugin printed: $out"
# pkg-config: a program against the SDK headers and library.
cat >"$work/version.cpp" <<'CPP'
#include <iostream>
#include <spackext/version.hpp>
int main() { std::cout << spackext::release_version() << "\n"; }
CPP
export PKG_CONFIG_SYSROOT_DIR="$fsroot" PKG_CONFIG_PATH="$libdir/pkgconfig"
# shellcheck disable=SC2046
g++ "$work/version.cpp" -o "$work/version" $(pkg-config --cflags --libs libspackext) || fail "pkg-config build"
unset PKG_CONFIG_SYSROOT_DIR PKG_CONFIG_PATH
"$work/version" | grep -qx "$(dpkg-deb -f "$debs"/libspackext1_*.deb Version | cut -d- -f1)" || fail "pkg-config program"
echo "check-debs: extracted packages work (layout, host, plugins, demo, bundle, example plugin, pkg-config)"

# --- installed on this machine (opt-in) -------------------------------------------
((system)) || exit 0
[[ $(id -u) -eq 0 ]] || fail "--system needs root"
for p in spack-ext libspackext1 libspackext-dev; do
  if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    fail "$p is installed already; not touching it"
  fi
done
unset LD_LIBRARY_PATH SPACK_EXT_SITE_DIR
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -qq "${files[@]}" >/dev/null
dpkg -L spack-ext libspackext1 libspackext-dev | sort -u >"$work/owned.txt"
/usr/bin/spack-ext --version
/usr/bin/spack-ext plugin list | tail -n +2 | grep -q available || fail "installed host lists no plugins"
[[ "$(/usr/bin/spack-ext hello Debian)" == "Hello, Debian!" ]] || fail "installed host cannot run hello"
apt-get remove -y -qq --purge spack-ext libspackext1 libspackext-dev >/dev/null
left=()
while read -r path; do
  [[ -f "$path" || -L "$path" ]] && left+=("$path")
  [[ -d "$path" && "$path" == *spack-ext* || -d "$path" && "$path" == *spackext* ]] && left+=("$path")
done <"$work/owned.txt"
((${#left[@]} == 0)) || fail "left behind after apt-get remove --purge: ${left[*]}"
echo "check-debs: installed with apt-get, ran, removed; nothing left behind"
