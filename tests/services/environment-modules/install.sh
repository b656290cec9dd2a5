#!/bin/sh
# Environment Modules 5.2 for the module tests. Debian's environment-modules
# and lmod packages conflict (installing one removes the other), so lmod is
# installed from scripts/deps/modules.txt and environment-modules is
# extracted, not installed, into the project's tools folder. Tests look for
# modulecmd.tcl at the printed path and skip, naming this script, when absent.
set -eu
DIR="${SPACKEXT_TOOLS_DIR:-$HOME/.cache/spack-ext/test-tools}/environment-modules"
CMD="$DIR/root/usr/lib/x86_64-linux-gnu/modulecmd.tcl"
if [ ! -f "$CMD" ]; then
  mkdir -p "$DIR"
  cd "$DIR"
  rm -f environment-modules_*.deb
  apt-get download environment-modules >/dev/null
  dpkg-deb -x environment-modules_*.deb root
fi
echo "$CMD"
