#!/usr/bin/env bash
# Installs code-server 4.100.3 (VS Code 1.100.3 with a real Node extension host) and Debian's Chromium
# for the integration tests, into the git-ignored .vscode-test/ folder, outside package.json.
# Idempotent: a second run only checks. See ../shared/TESTING.md for why each step is needed offline.
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION=4.100.3
TARGET=.vscode-test/code-server
BIN="$TARGET/node_modules/.bin/code-server"
PKG="$TARGET/node_modules/code-server/package.json"

installed_version() {
  # Read package.json rather than run `code-server --version`, which writes a config into $HOME.
  [ -x "$BIN" ] && [ -f "$PKG" ] && node -p "require('./$PKG').version" 2>/dev/null || true
}

apt_install() {
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=''
  [ "$(id -u)" -ne 0 ] && sudo='sudo'
  echo "install-code-server: apt-get install ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# libkrb5-dev: headers for the kerberos native module; ripgrep: stands in for the rg download;
# chromium: the browser playwright-core drives; build-essential/python3: node-gyp for node-pty and kerberos.
apt_install libkrb5-dev ripgrep chromium build-essential python3

if [ "$(installed_version)" = "$VERSION" ]; then
  echo "install-code-server: code-server $VERSION already in $TARGET"
  exit 0
fi

# @vscode/ripgrep's postinstall downloads rg from GitHub unless this cached archive exists.
CACHE="${TMPDIR:-/tmp}/vscode-ripgrep-cache-1.15.11"
ARCHIVE="$CACHE/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"
if [ ! -f "$ARCHIVE" ]; then
  mkdir -p "$CACHE"
  staging="$(mktemp -d)"
  cp /usr/bin/rg "$staging/rg"
  tar -czf "$ARCHIVE" -C "$staging" rg
  rm -rf "$staging"
fi

mkdir -p "$TARGET"
[ -f "$TARGET/package.json" ] || echo '{ "name": "code-server-host", "private": true }' > "$TARGET/package.json"
started=$(date +%s)
# npm_config_yes: node-pty runs `npx node-gyp`, which must not prompt; --unsafe-perm: its postinstall refuses root otherwise.
(cd "$TARGET" && npm_config_yes=true npm_config_fund=false npm_config_audit=false \
  npm install --unsafe-perm --save-exact --loglevel=error "code-server@$VERSION")
[ "$(installed_version)" = "$VERSION" ] || { echo "install-code-server: code-server $VERSION did not install" >&2; exit 1; }
echo "install-code-server: code-server $VERSION installed in $(( $(date +%s) - started )) s, $(du -sh "$TARGET" | cut -f1)"
