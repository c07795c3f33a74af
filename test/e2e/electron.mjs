// The same extension suite under @vscode/test-electron, wherever VS Code can be downloaded (not on the
// offline machines that use test/e2e/run.sh): downloads VS Code (VSCODE_VERSION, default stable) into
// .e2e-rig/vscode-test/ (gitignored), opens a copy of test/e2e/workspace and runs test/e2e/suite/index.js in the extension
// host. Screenshots need the code-server harness and are skipped here. Build first: npm run build.
//
//   node test/e2e/electron.mjs        (on a headless Linux box: xvfb-run -a node test/e2e/electron.mjs)
import { runTests } from '@vscode/test-electron';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'wm-e2e-electron-'));
const workspace = join(scratch, 'workspace');
cpSync(join(root, 'test/e2e/workspace'), workspace, { recursive: true });

let status = 0;
try {
  await runTests({
    version: process.env.VSCODE_VERSION || 'stable',
    cachePath: join(process.env.WM_E2E_RIG || join(root, '.e2e-rig'), 'vscode-test'),
    extensionDevelopmentPath: root,
    extensionTestsPath: join(root, 'test/e2e/suite/index.js'),
    launchArgs: [workspace, '--user-data-dir', join(scratch, 'user-data'), '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
    extensionTestsEnv: { E2E_REPO: root, E2E_OUT_DIR: join(root, 'test/artifacts/e2e-electron'), E2E_SUITE: 'electron', E2E_GREP: process.env.WM_E2E_GREP || '' },
  });
} catch (error) {
  console.error(`[e2e-electron] ${error instanceof Error ? error.message : error}`);
  status = 1;
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
process.exit(status);
