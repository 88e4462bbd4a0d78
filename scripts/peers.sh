#!/usr/bin/env bash
# scripts/peers.sh: install the reference DKIM verifiers ("peers") that
# dkimbatch is compared against, and build the OpenDKIM harness.
#
#   dkimpy      Debian python3-dkim + python3-nacl (Ed25519), run with /usr/bin/python3
#   Mail::DKIM  Debian libmail-dkim-perl
#   mailauth    npm, the exact version pinned in scripts/peers/package.json and
#               package-lock.json, installed with `npm ci` into .peers/ (git-ignored)
#   OpenDKIM    Debian libopendkim-dev; scripts/peers/opendkim_verify.c is built
#               into .peers/bin/opendkim_verify (DKB_PEERS_OPENDKIM=0 skips it)
#
# The harnesses that drive them are in scripts/peers/ (see check.sh there).
# Idempotent and non-interactive: Debian packages already installed are not
# touched (apt-get runs only when one is missing; needs root or sudo), and npm
# runs only when .peers/ does not hold the locked tree yet.  Stops loudly at
# the first failure; prints what it installed and each peer's version.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PEERS_DIR=$ROOT/.peers
WANT_OPENDKIM=${DKB_PEERS_OPENDKIM:-1}

say() { echo "peers.sh: $*" >&2; }
fail() { echo "peers.sh: FAILED: $*" >&2; exit 1; }
trap 'fail "command failed (line $LINENO): $BASH_COMMAND"' ERR

# ---- Debian packages ----
packages=(python3-dkim python3-nacl libmail-dkim-perl)
if [ "$WANT_OPENDKIM" = 1 ]; then
  packages+=(libopendkim-dev gcc libc6-dev)
fi
missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
  elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
  else
    fail "need root (or sudo) to install ${missing[*]}"
  fi
  export DEBIAN_FRONTEND=noninteractive
  say "apt-get install ${missing[*]}"
  $SUDO apt-get update -q >&2 || fail "apt-get update"
  $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" >&2 ||
    fail "apt-get install ${missing[*]}"
  say "installed: ${missing[*]}"
else
  say "Debian packages already installed: ${packages[*]}"
fi

# ---- mailauth (npm) ----
command -v node >/dev/null 2>&1 || fail "node not found (mailauth needs Node.js >= 20.18.1)"
command -v npm >/dev/null 2>&1 || fail "npm not found"
node -e 'const [a,b,c]=process.versions.node.split(".").map(Number); process.exit(a>20||(a==20&&(b>18||(b==18&&c>=1)))?0:1)' ||
  fail "node $(node --version) is too old: mailauth 4.13 needs >= 20.18.1"
want=$(node -p 'require("./scripts/peers/package.json").dependencies.mailauth')
have=$(node -p 'try{require("./.peers/node_modules/mailauth/package.json").version}catch(e){""}' 2>/dev/null || true)
if [ "$have" = "$want" ] && cmp -s scripts/peers/package-lock.json "$PEERS_DIR/package-lock.json"; then
  say "mailauth $have already installed in .peers/"
else
  mkdir -p "$PEERS_DIR"
  cp scripts/peers/package.json scripts/peers/package-lock.json "$PEERS_DIR/"
  say "npm ci --prefix .peers (mailauth $want)"
  npm ci --prefix "$PEERS_DIR" --no-audit --no-fund --loglevel=error >&2 || fail "npm ci (mailauth $want)"
  # keep a copy of the lock next to node_modules, to tell next time whether it changed
  cp scripts/peers/package-lock.json "$PEERS_DIR/package-lock.json"
  n=$(node -p 'Object.keys(require("./scripts/peers/package-lock.json").packages).length - 1')
  say "installed: mailauth $want into .peers/node_modules ($n packages in all, as locked)"
fi

# ---- OpenDKIM harness ----
if [ "$WANT_OPENDKIM" = 1 ]; then
  mkdir -p "$PEERS_DIR/bin"
  bin=$PEERS_DIR/bin/opendkim_verify
  if [ ! -x "$bin" ] || [ scripts/peers/opendkim_verify.c -nt "$bin" ]; then
    say "building .peers/bin/opendkim_verify"
    cc -O2 -Wall -o "$bin" scripts/peers/opendkim_verify.c -lopendkim || fail "building opendkim_verify"
  fi
fi

# ---- check each peer loads, and report versions ----
/usr/bin/python3 -c 'import dkim, nacl' || fail "/usr/bin/python3 cannot import dkim / nacl"
perl -MMail::DKIM::Verifier -MJSON::PP -e1 || fail "perl cannot load Mail::DKIM::Verifier / JSON::PP"
node -e 'require(require.resolve("mailauth/lib/dkim/verify", {paths: [process.argv[1]]}))' "$PEERS_DIR/node_modules" ||
  fail "node cannot load mailauth from .peers/node_modules"
ver() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null || echo '?'; }
echo "dkimpy      $(ver python3-dkim) (python3-dkim; python3-nacl $(ver python3-nacl))"
echo "Mail::DKIM  $(perl -MMail::DKIM -e 'print $Mail::DKIM::VERSION') (libmail-dkim-perl $(ver libmail-dkim-perl))"
echo "mailauth    $(node -p 'require("./.peers/node_modules/mailauth/package.json").version') (npm, .peers/; node $(node --version))"
if [ "$WANT_OPENDKIM" = 1 ]; then
  echo "OpenDKIM    $(ver libopendkim-dev) (libopendkim-dev; .peers/bin/opendkim_verify)"
fi
say "all peers ready"
