#!/usr/bin/env bash
# A real S3-compatible server on 127.0.0.1 for the tests: OpenStack Swift with its s3api middleware, one node.
#
#   .ci/swift.sh start [DIR]   configuration, rings, data and logs in DIR (default: a new temporary directory);
#                              prints the `export` lines of CMS_TEST_S3_* that the tests read (also in DIR/env)
#   .ci/swift.sh stop DIR      stops the processes started in DIR
#
# Debian's packages (installed here when missing, as root): swift, its servers and memcached. Ports are taken from
# SWIFT_PORT (default 8380, the S3 endpoint) and the three that follow it, plus memcached on SWIFT_PORT + 4.
set -euo pipefail

command=${1:-start}
port=${SWIFT_PORT:-8380}
bucket=${SWIFT_BUCKET:-cms-test}

stop() {
  local dir=$1
  for pidfile in "$dir"/run/*.pid; do
    [ -f "$pidfile" ] || continue
    kill "$(cat "$pidfile")" 2>/dev/null || true
    rm -f "$pidfile"
  done
}

if [ "$command" = stop ]; then
  stop "${2:?usage: .ci/swift.sh stop DIR}"
  exit 0
fi

if ! command -v swift-proxy-server >/dev/null 2>&1; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends swift swift-proxy swift-account \
    swift-container swift-object python3-swift memcached >/dev/null \
    || { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
      swift swift-proxy swift-account swift-container swift-object python3-swift memcached >/dev/null; }
fi

# Swift's servers bind with SO_REUSEPORT, so a second node on the same ports would start and share its clients
# with the first one, at random. Without SWIFT_PORT, the first block of five free ports from 8380 on, in steps of 10.
taken() {  # does any of the five ports from $1 on accept connections?
  /usr/bin/python3 -c '
import socket, sys
base = int(sys.argv[1])
sys.exit(0 if any(socket.socket().connect_ex(("127.0.0.1", p)) == 0 for p in range(base, base + 5)) else 1)
' "$1"
}
if taken "$port"; then
  if [ -n "${SWIFT_PORT:-}" ]; then
    echo "swift.sh: a port of $port-$((port + 4)) is in use (another node?): stop it or choose another SWIFT_PORT" >&2
    exit 1
  fi
  for _ in $(seq 1 20); do port=$((port + 10)); taken "$port" || break; done
fi

dir=$(realpath "${2:-$(mktemp -d /tmp/cms-swift.XXXXXX)}")
mkdir -p "$dir"/{node/d1,run,log}
user=$(id -un)
account_port=$((port + 1)) container_port=$((port + 2)) object_port=$((port + 3)) memcache_port=$((port + 4))
secret=${SWIFT_SECRET:-testing-secret}

# Object metadata lives in extended attributes: refuse a filesystem without them at once, not at the first PUT.
if ! /usr/bin/python3 -c "import os, sys; os.setxattr(sys.argv[1], 'user.cms', b'1')" "$dir/node/d1" 2>/dev/null; then
  echo "swift.sh: $dir has no user.* extended attributes (tmpfs?): pass a directory on ext4 or xfs" >&2
  exit 1
fi

common="[DEFAULT]
bind_ip = 127.0.0.1
workers = 0
user = $user
swift_dir = $dir
devices = $dir/node
mount_check = false
log_name = swift
log_facility = LOG_LOCAL0
log_level = WARNING
"
cat >"$dir/account-server.conf" <<EOF
$common
bind_port = $account_port
[pipeline:main]
pipeline = account-server
[app:account-server]
use = egg:swift#account
EOF
cat >"$dir/container-server.conf" <<EOF
$common
bind_port = $container_port
[pipeline:main]
pipeline = container-server
[app:container-server]
use = egg:swift#container
EOF
cat >"$dir/object-server.conf" <<EOF
$common
bind_port = $object_port
[pipeline:main]
pipeline = object-server
[app:object-server]
use = egg:swift#object
container_update_timeout = 10
EOF
cat >"$dir/proxy-server.conf" <<EOF
$common
bind_port = $port
[pipeline:main]
pipeline = catch_errors gatekeeper healthcheck proxy-logging cache listing_formats s3api tempauth copy slo dlo versioned_writes proxy-logging proxy-server
[app:proxy-server]
use = egg:swift#proxy
account_autocreate = true
[filter:catch_errors]
use = egg:swift#catch_errors
[filter:gatekeeper]
use = egg:swift#gatekeeper
[filter:healthcheck]
use = egg:swift#healthcheck
[filter:proxy-logging]
use = egg:swift#proxy_logging
[filter:cache]
use = egg:swift#memcache
memcache_servers = 127.0.0.1:$memcache_port
[filter:listing_formats]
use = egg:swift#listing_formats
[filter:s3api]
use = egg:swift#s3api
location = us-east-1
[filter:tempauth]
use = egg:swift#tempauth
user_cms_tester = $secret .admin
[filter:copy]
use = egg:swift#copy
[filter:slo]
use = egg:swift#slo
[filter:dlo]
use = egg:swift#dlo
[filter:versioned_writes]
use = egg:swift#versioned_writes
EOF

# Rings: one device each, one replica, in one Python process (swift-ring-builder would take three per ring).
/usr/bin/python3 - "$dir" "$account_port" "$container_port" "$object_port" <<'EOF'
import sys
from swift.common.ring import RingBuilder
folder, ports = sys.argv[1], dict(zip(("account", "container", "object"), sys.argv[2:]))
for name, port in ports.items():
    builder = RingBuilder(10, 1, 1)
    builder.add_dev({"id": 0, "region": 1, "zone": 1, "ip": "127.0.0.1", "port": int(port), "device": "d1", "weight": 100})
    builder.rebalance()
    builder.get_ring().save(f"{folder}/{name}.ring.gz")
EOF

memcached -l 127.0.0.1 -p "$memcache_port" -U 0 -m 16 -u "$user" -d -P "$dir/run/memcached.pid"
for server in account container object proxy; do
  "swift-$server-server" "$dir/$server-server.conf" >"$dir/log/$server.log" 2>&1 &
  echo $! >"$dir/run/$server.pid"
done

endpoint="http://127.0.0.1:$port"
for _ in $(seq 1 100); do
  curl -fs "$endpoint/healthcheck" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -fs "$endpoint/healthcheck" >/dev/null || { echo "swift.sh: the proxy did not start: see $dir/log" >&2; stop "$dir"; exit 1; }

cat >"$dir/env" <<EOF
export CMS_TEST_S3_ENDPOINT_URL=$endpoint
export CMS_TEST_S3_BUCKET=$bucket
export CMS_TEST_S3_ACCESS_KEY_ID=cms:tester
export CMS_TEST_S3_SECRET_ACCESS_KEY=$secret
export CMS_TEST_S3_DIR=$dir
EOF
# The bucket, with the client the app uses (a PUT of an existing bucket of ours is harmless).
(
  # shellcheck source=/dev/null
  . "$dir/env"
  python_bin=${PYTHON:-$(dirname "$0")/../.venv/bin/python}
  "$python_bin" - <<'EOF'
import asyncio, os
from aiobotocore.session import get_session
from botocore.config import Config

async def main() -> None:
    config = Config(signature_version="s3v4", s3={"addressing_style": "path"},
                    request_checksum_calculation="when_required", response_checksum_validation="when_required")
    async with get_session().create_client(
        "s3", endpoint_url=os.environ["CMS_TEST_S3_ENDPOINT_URL"], region_name="us-east-1", config=config,
        aws_access_key_id=os.environ["CMS_TEST_S3_ACCESS_KEY_ID"],
        aws_secret_access_key=os.environ["CMS_TEST_S3_SECRET_ACCESS_KEY"],
    ) as s3:
        for attempt in range(50):
            try:
                await s3.create_bucket(Bucket=os.environ["CMS_TEST_S3_BUCKET"])
                return
            except s3.exceptions.BucketAlreadyOwnedByYou:
                return
            except Exception:
                if attempt == 49:
                    raise
                await asyncio.sleep(0.1)

asyncio.run(main())
EOF
)
cat "$dir/env"
