#!/usr/bin/env bash
# Whole-process sync benchmark (never part of ctest): `buildcache sync` of a
# generated cache (default 1,000 objects / 2 GiB) from a local mirror to a
# real server on loopback, side by side in the same run with the peers that
# do the same job and with the server's own ceiling:
#   s3      s3rver:            8 x `curl -T` (ceiling), `aws s3 sync`, `rclone sync`, ours
#   webdav  nginx + dav, TLS:  8 x `curl -T` (ceiling), `rclone sync` (webdav remote), ours
#   oci     docker-registry:   8 parallel curl POST+PUT blob uploads + manifest PUTs (ceiling), ours
# then a re-sync with nothing to copy (aws, rclone, ours). Wall time and CPU
# time (user+sys of the client, not the server) come from /usr/bin/time.
#
#   scripts/bench/sync.sh [--build DIR] [--work DIR] [--specs N] [--total-mib M] [--only s3|webdav|oci]
#                         [--repeat R]
#
# Each target runs R rounds (default 3) against a fresh server; the table
# gives the median of each row (and its range). Results: a markdown table on
# stdout and in WORK/results-<target>.md.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build="$root/build"
work="${TMPDIR:-/tmp}/spack-ext-sync-bench"
specs=333
total_mib=2048
only=""
jobs=8
repeat=3
while (($#)); do
  case "$1" in
    --build) build="$2"; shift 2 ;;
    --work) work="$2"; shift 2 ;;
    --specs) specs="$2"; shift 2 ;;
    --total-mib) total_mib="$2"; shift 2 ;;
    --only) only="$2"; shift 2 ;;
    --repeat) repeat="$2"; shift 2 ;;
    *) echo "usage: $0 [--build DIR] [--work DIR] [--specs N] [--total-mib M] [--only s3|webdav|oci] [--repeat R]" >&2
       exit 2 ;;
  esac
done

host="$build/bin/spack-ext"
[[ -x "$host" ]] || { echo "sync.sh: $host is missing; run: bash scripts/build.sh runtime" >&2; exit 1; }
# Peers and servers (Debian packages; s3rver from npm like the tests use).
missing=()
for pkg in $(sed -e 's/#.*//' "$root/scripts/bench/deps.txt" "$root/scripts/deps/mirrors.txt"); do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
sh "$root/tests/services/s3rver/install.sh" >/dev/null
tools="${SPACKEXT_TOOLS_DIR:-$HOME/.cache/spack-ext/test-tools}"

mkdir -p "$work"
src="$work/src-v3-$specs-$total_mib"
src_oci="$work/src-oci-$specs-$total_mib"
for pair in "v3:$src" "oci:$src_oci"; do
  layout="${pair%%:*}" dir="${pair#*:}"
  if [[ ! -f "$dir.complete" ]]; then
    echo "generating a $layout cache of $specs specs / $total_mib MiB in $dir" >&2
    rm -rf "$dir"
    python3 "$root/scripts/bench/make_buildcache.py" "$dir" --specs "$specs" --total-mib "$total_mib" --layout "$layout"
    touch "$dir.complete"
  fi
done
objects=$(find "$src" -type f | wc -l)
bytes=$(find "$src" -type f -printf '%s\n' | awk '{s+=$1} END {printf "%d", s}')

. "$root/scripts/bench/registry.sh"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_http() { # URL [curl args...]
  local url="$1"; shift
  for _ in $(seq 200); do curl -s -o /dev/null "$@" "$url" && return 0; sleep 0.05; done
  echo "server at $url did not come up" >&2; return 1
}
stop_pid() { kill "$1" 2>/dev/null || true; while kill -0 "$1" 2>/dev/null; do sleep 0.05; done; }

samples="$work/samples.tsv"
measure() { # LABEL command... ; appends "label<TAB>wall<TAB>cpu" to the samples
  local label="$1"; shift
  local t="$work/time.$$"
  # A shell function runs in a child bash that is given its definition.
  if [[ "$(type -t "$1")" == function ]]; then
    set -- bash -c "$(declare -f "$1"); jobs=$jobs; $1 \"\$@\"" _ "${@:2}"
  fi
  # Earlier runs' uploads are still being written back by the kernel: flush
  # them so every run starts with the same clean disk.
  sync
  if ! /usr/bin/time -f "%e %U %S" -o "$t" "$@" >"$work/last.out" 2>"$work/last.err"; then
    echo "FAILED: $label" >&2; tail -5 "$work/last.err" >&2
    printf '%s\tfailed\tfailed\n' "$label" >>"$samples"; return 0
  fi
  read -r wall user sys <"$t"
  local cpu; cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN {printf "%.2f", u + s}')
  printf '%-44s %8ss %8ss CPU\n' "$label" "$wall" "$cpu" >&2
  printf '%s\t%s\t%s\n' "$label" "$wall" "$cpu" >>"$samples"
}
report() { # TARGET: medians over the rounds, rows in first-seen order
  local file="$work/results-$1.md"
  {
    echo "$1: $objects objects, $((bytes / 1048576)) MiB, $jobs parallel transfers, $(nproc) cores, median of $repeat round(s)"
    echo
    echo "| run | wall (median, range) | client CPU (median) | rate |"
    echo "|---|---|---|---|"
    python3 - "$samples" "$bytes" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    label, wall, cpu = line.rstrip("\n").split("\t")
    rows.setdefault(label, []).append((wall, cpu))
for label, runs in rows.items():
    ok = [(float(w), float(c)) for w, c in runs if w != "failed"]
    if len(ok) < len(runs):
        print(f"| {label} | failed in {len(runs) - len(ok)} of {len(runs)} | | |")
        continue
    walls = [w for w, _ in ok]
    wall = statistics.median(walls)
    cpu = statistics.median(c for _, c in ok)
    rate = int(sys.argv[2]) / 1048576 / wall if wall > 0 else 0
    print(f"| {label} | {wall:.2f} s ({min(walls):.2f}-{max(walls):.2f}) | {cpu:.2f} s | {rate:.0f} MiB/s |")
PY
  } | tee "$file"
  rm -f "$samples"
}
# The same files, read once so every run starts with them in the page cache.
cat_all() { find "$1" -type f -print0 | xargs -0 cat >/dev/null; }
parallel_curl_put() { # BASE_URL DIR [curl args...]: 8 concurrent `curl -T`, one per file
  local base="$1" dir="$2"; shift 2
  (cd "$dir" && find . -type f ! -name .complete -printf '%P\n' |
    xargs -P "$jobs" -I{} curl -sS -f -o /dev/null "$@" -T {} "$base/{}")
}

run_s3() {
  local port; port=$(free_port)
  local data="$work/s3rver"; rm -rf "$data"; mkdir -p "$data"
  NODE_OPTIONS=--openssl-legacy-provider "$tools/node_modules/.bin/s3rver" -d "$data" -a 127.0.0.1 -p "$port" \
    --silent --configure-bucket curl --configure-bucket aws --configure-bucket rclone --configure-bucket ours \
    >"$work/s3rver.log" 2>&1 &
  local pid=$!
  wait_http "http://127.0.0.1:$port/"
  local endpoint="http://127.0.0.1:$port"
  export AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER AWS_DEFAULT_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true
  cat >"$work/rclone.conf" <<EOF
[s3rver]
type = s3
provider = Other
access_key_id = S3RVER
secret_access_key = S3RVER
endpoint = $endpoint
region = us-east-1
force_path_style = true
EOF
  cat_all "$src"
  measure "curl -T x$jobs (ceiling)" parallel_curl_put "$endpoint/curl" "$src"
  measure "aws s3 sync" /usr/bin/aws --endpoint-url "$endpoint" s3 sync --only-show-errors "$src" s3://aws/
  measure "rclone sync --transfers $jobs" env -u AWS_CA_BUNDLE rclone --config "$work/rclone.conf" sync \
    --transfers "$jobs" "$src" s3rver:rclone
  measure "spack-ext buildcache sync --jobs $jobs" env S3_ENDPOINT_URL="$endpoint" "$host" buildcache sync \
    "file://$src" s3://ours --jobs "$jobs"
  measure "re-sync, nothing to copy: aws s3 sync" /usr/bin/aws --endpoint-url "$endpoint" s3 sync --only-show-errors "$src" s3://aws/
  measure "re-sync, nothing to copy: rclone sync" env -u AWS_CA_BUNDLE rclone --config "$work/rclone.conf" sync \
    --transfers "$jobs" "$src" s3rver:rclone
  measure "re-sync, nothing to copy: spack-ext" env S3_ENDPOINT_URL="$endpoint" "$host" buildcache sync \
    "file://$src" s3://ours --jobs "$jobs"
  stop_pid "$pid"
  rm -rf "$data"
}

run_webdav() {
  local port; port=$(free_port)
  local ngx="$work/nginx"; rm -rf "$ngx"; mkdir -p "$ngx"/{www,tmp,logs}
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$ngx/key.pem" -out "$ngx/cert.pem" -days 2 -subj "/CN=localhost" \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" 2>/dev/null
  cat >"$ngx/nginx.conf" <<EOF
load_module /usr/lib/nginx/modules/ngx_http_dav_ext_module.so;
user root;
worker_processes 2;
pid $ngx/nginx.pid;
error_log $ngx/logs/error.log warn;
daemon off;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path $ngx/www/.tmp;
  proxy_temp_path $ngx/tmp/proxy; fastcgi_temp_path $ngx/tmp/fcgi;
  uwsgi_temp_path $ngx/tmp/uwsgi; scgi_temp_path $ngx/tmp/scgi;
  default_type application/octet-stream;
  server {
    listen 127.0.0.1:$port ssl;
    ssl_certificate $ngx/cert.pem; ssl_certificate_key $ngx/key.pem;
    root $ngx/www;
    client_max_body_size 0;
    location / {
      dav_methods PUT DELETE MKCOL COPY MOVE;
      dav_ext_methods PROPFIND OPTIONS;
      create_full_put_path on;
    }
  }
}
EOF
  nginx -c "$ngx/nginx.conf" -p "$ngx/" -e "$ngx/logs/error.log" &
  local pid=$!
  local base="https://127.0.0.1:$port"
  wait_http "$base/" --cacert "$ngx/cert.pem"
  cat >"$work/rclone-dav.conf" <<EOF
[dav]
type = webdav
url = $base/rclone
vendor = other
EOF
  curl -sS -f -o /dev/null --cacert "$ngx/cert.pem" -X MKCOL "$base/rclone/"  # rclone makes only subfolders
  cat_all "$src"
  measure "curl -T x$jobs (ceiling)" parallel_curl_put "$base/curl" "$src" --cacert "$ngx/cert.pem"
  measure "rclone sync --transfers $jobs" env -u AWS_CA_BUNDLE rclone --config "$work/rclone-dav.conf" \
    --ca-cert "$ngx/cert.pem" sync --transfers "$jobs" "$src" dav:
  measure "spack-ext buildcache sync --jobs $jobs" env SPACK_EXT_CA_BUNDLE="$ngx/cert.pem" "$host" buildcache sync \
    "file://$src" "$base/ours" --jobs "$jobs"
  measure "re-sync, nothing to copy: rclone sync" env -u AWS_CA_BUNDLE rclone --config "$work/rclone-dav.conf" \
    --ca-cert "$ngx/cert.pem" sync --transfers "$jobs" "$src" dav:
  measure "re-sync, nothing to copy: spack-ext" env SPACK_EXT_CA_BUNDLE="$ngx/cert.pem" "$host" buildcache sync \
    "file://$src" "$base/ours" --jobs "$jobs"
  stop_pid "$pid"
  rm -rf "$ngx"
}

# The registry's ceiling: each blob by POST then one PUT ?digest= (the
# fastest upload the distribution spec allows), then every manifest.
oci_push_with_curl() { # REGISTRY REPO DIR
  local reg="$1" repo="$2" dir="$3"
  export reg repo
  find "$dir/blobs/sha256" -type f -print0 | xargs -0 -P "$jobs" -I{} bash -c '
    f="$1"; d=$(basename "$f")
    loc=$(curl -sS -f -X POST -D - -o /dev/null "$reg/v2/$repo/blobs/uploads/" | tr -d "\r" | awk -F": " "tolower(\$1)==\"location\"{print \$2}")
    case "$loc" in http*) ;; *) loc="$reg$loc" ;; esac
    curl -sS -f -o /dev/null -X PUT -H "Content-Type: application/octet-stream" --data-binary "@$f" "$loc&digest=sha256:$d"
  ' _ {}
  find "$dir/manifests" -type f -print0 | xargs -0 -P "$jobs" -I{} bash -c '
    curl -sS -f -o /dev/null -X PUT -H "Content-Type: application/vnd.oci.image.manifest.v1+json" \
      --data-binary "@$1" "$reg/v2/$repo/manifests/$(basename "$1")"
  ' _ {}
}

run_oci() {
  local port; port=$(free_port)
  local reg="$work/registry"; rm -rf "$reg"
  write_registry_config "$reg" "$port"
  docker-registry serve "$reg/config.yml" >"$reg/log" 2>&1 &
  local pid=$!
  local base="http://127.0.0.1:$port"
  wait_http "$base/v2/"
  cat_all "$src_oci"
  measure "curl POST+PUT x$jobs (ceiling)" oci_push_with_curl "$base" bench/curl "$src_oci"
  measure "spack-ext buildcache sync --jobs $jobs" "$host" buildcache sync "file://$src_oci" \
    "oci+http://127.0.0.1:$port/bench/ours" --jobs "$jobs"
  measure "re-sync, nothing to copy: spack-ext" "$host" buildcache sync "file://$src_oci" \
    "oci+http://127.0.0.1:$port/bench/ours" --jobs "$jobs"
  stop_pid "$pid"
  rm -rf "$reg"
}

export XDG_CONFIG_HOME="$work/config"  # no user mirrors or settings leak in
# Nor proofs of earlier runs (sync's digest ledger): a re-sync trusts only
# what this run's sync proved.
export XDG_STATE_HOME="$work/state"
rm -rf "$XDG_STATE_HOME"
for target in s3 webdav oci; do
  [[ -z "$only" || "$only" == "$target" ]] || continue
  rm -f "$samples"
  for ((round = 1; round <= repeat; round++)); do
    echo "== $target, round $round of $repeat" >&2
    "run_$target"
  done
  report "$target"
done
