#!/usr/bin/env bash
# The module tests load generated module files with the real Lmod (a Debian
# package, scripts/deps/modules.txt) and Environment Modules, which cannot be
# installed beside lmod and is extracted into the tools folder instead.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
sh "$root/tests/services/environment-modules/install.sh" >/dev/null
echo "test-setup: environment-modules ready"
