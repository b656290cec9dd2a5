#!/usr/bin/env bash
# The S3 integration tests need s3rver (npm). It is installed into the tools
# folder the tests look in (SPACKEXT_TOOLS_DIR, default
# ~/.cache/spack-ext/test-tools); an installed one is kept.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
if ! command -v npm >/dev/null; then
  echo "test-setup: npm is missing; installing Debian's npm"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends npm
fi
sh "$root/tests/services/s3rver/install.sh" >/dev/null
echo "test-setup: s3rver ready"
