#!/bin/sh
# Starts s3rver on 127.0.0.1:PORT with its data in DIR, prints its PID.
# usage: start.sh PORT DIR [BUCKET]   (stop with: kill PID)
# Credentials are fixed by s3rver: key S3RVER, secret S3RVER, region us-east-1.
set -eu
PORT=$1 DATA=$2 BUCKET=${3:-buildcache}
TOOLS="${SPACKEXT_TOOLS_DIR:-$HOME/.cache/spack-ext/test-tools}"
mkdir -p "$DATA"
# ListObjectsV2 continuation tokens use DES: needs the legacy provider on Node >= 17.
NODE_OPTIONS=--openssl-legacy-provider "$TOOLS/node_modules/.bin/s3rver" \
  -d "$DATA" -a 127.0.0.1 -p "$PORT" --silent --configure-bucket "$BUCKET" >"$DATA.log" 2>&1 &
PID=$!
i=0
until curl -s -o /dev/null "http://127.0.0.1:$PORT/"; do
  i=$((i + 1)); [ $i -lt 200 ] || { kill $PID; echo "s3rver did not start" >&2; exit 1; }
  sleep 0.05
done
echo $PID
