#!/bin/sh
# Installs s3rver (the S3 server the integration tests start on loopback) into
# a project-owned tools folder. Tests look for it at the same place and skip,
# naming this script, when it is absent.
set -eu
DIR="${SPACKEXT_TOOLS_DIR:-$HOME/.cache/spack-ext/test-tools}"
mkdir -p "$DIR"
cd "$DIR"
[ -f package.json ] || npm init -y >/dev/null
[ -x node_modules/.bin/s3rver ] || npm install --no-audit --no-fund s3rver@3.7.1
echo "$DIR/node_modules/.bin/s3rver"
