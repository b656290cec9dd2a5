#!/bin/sh
# Installs dockerfilelint (npm; hadolint is not packaged for Debian 12) into
# the project-owned tools folder. The container tests look for it there and
# skip, naming this script, when it is absent.
set -eu
DIR="${SPACKEXT_TOOLS_DIR:-$HOME/.cache/spack-ext/test-tools}"
mkdir -p "$DIR"
cd "$DIR"
[ -f package.json ] || npm init -y >/dev/null
[ -x node_modules/.bin/dockerfilelint ] || npm install --no-audit --no-fund dockerfilelint@1.8.0
echo "$DIR/node_modules/.bin/dockerfilelint"
