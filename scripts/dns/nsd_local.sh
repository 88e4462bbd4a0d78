# scripts/dns/nsd_local.sh: source this to run a throw-away authoritative DNS
# server (nsd, in the foreground as the current user) on 127.0.0.1 on a free
# port, for tests and benchmarks. Nothing listens beyond 127.0.0.1.
#
#   nsd_start DIR ZONEFILE [SERVFAIL_ZONE...]
#       serves ZONEFILE as the root zone "." (so any name can be put in it;
#       names not in it are NXDOMAIN) and configures each SERVFAIL_ZONE
#       without data, which nsd answers with SERVFAIL. Sets NSD_PORT and
#       NSD_PID; state and logs go to DIR. Returns non-zero if nsd does not
#       start.
#   nsd_stop        stops the server started by nsd_start (safe to repeat).
#   free_port       prints a loopback port free for both UDP and TCP.

free_port() {
  python3 - <<'PY'
import socket
for _ in range(50):
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.bind(("127.0.0.1", 0))
    port = u.getsockname()[1]
    t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        t.bind(("127.0.0.1", port))
    except OSError:
        u.close(); t.close(); continue
    u.close(); t.close()
    print(port)
    break
PY
}

nsd_start() {
  local dir=$1 zone=$2
  shift 2
  local attempt
  for attempt in 1 2 3 4 5; do
    NSD_PORT=$(free_port)
    {
      echo "server:"
      echo "  ip-address: 127.0.0.1"
      echo "  port: $NSD_PORT"
      echo "  do-ip6: no"
      echo "  username: \"\""
      echo "  chroot: \"\""
      echo "  zonesdir: \"$dir\""
      echo "  database: \"\""
      echo "  pidfile: \"$dir/nsd.pid\""
      echo "  xfrdfile: \"$dir/xfrd.state\""
      echo "  zonelistfile: \"$dir/zone.list\""
      echo "  xfrdir: \"$dir\""
      echo "  logfile: \"$dir/nsd.log\""
      echo "  server-count: 1"
      echo "  verbosity: 1"
      echo "remote-control:"
      echo "  control-enable: no"
      echo "zone:"
      echo "  name: \".\""
      echo "  zonefile: \"$zone\""
      local z
      for z in "$@"; do
        echo "zone:"
        echo "  name: \"$z\""
        echo "  zonefile: \"$dir/$z.missing.zone\""
      done
    } >"$dir/nsd.conf"
    : >"$dir/nsd.log"
    nsd -d -c "$dir/nsd.conf" >"$dir/nsd.out" 2>&1 &
    NSD_PID=$!
    local i
    for i in $(seq 1 200); do
      if grep -q "nsd started" "$dir/nsd.log" 2>/dev/null; then
        return 0
      fi
      if ! kill -0 "$NSD_PID" 2>/dev/null; then
        break
      fi
      sleep 0.1
    done
    nsd_stop
  done
  echo "nsd_local.sh: nsd did not start; log:" >&2
  cat "$dir/nsd.log" "$dir/nsd.out" >&2 2>/dev/null
  return 1
}

nsd_stop() {
  if [ -n "${NSD_PID:-}" ]; then
    kill "$NSD_PID" 2>/dev/null || true
    local i
    for i in $(seq 1 50); do
      kill -0 "$NSD_PID" 2>/dev/null || break
      sleep 0.1
    done
    kill -9 "$NSD_PID" 2>/dev/null || true
    wait "$NSD_PID" 2>/dev/null || true
    NSD_PID=
  fi
}
