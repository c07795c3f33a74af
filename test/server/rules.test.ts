/**
 * Every rule against its fixtures, through a real server: each annotated line must get exactly its diagnostics
 * (code and covered text) and no other line any.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { LspSession } from '../helpers/lsp-client';
import { actual, expectations, fixtures } from '../helpers/lsp-fixtures';

const PY_DOCS = 'https://sanic.dev/en/guide/deployment/manager.html#';
const TS_DOCS = 'https://github.com/worker-manager/worker-manager/blob/main/docs/rules.md#wm-d';
const DEFAULT_SEVERITY: Record<string, number> = { 'WM-D1': 1, 'WM-D2': 1, 'WM-D3': 2, 'WM-D4': 2, 'WM-D5': 1, 'WM-D6': 2, 'WM-D7': 1 };

let session: LspSession;
before(async () => {
  session = await LspSession.start();
});
after(async () => {
  assert.equal(await session.stop(), 0);
  assert.equal(session.stderr.join(''), '');
});

for (const dir of ['python', 'ts'] as const) {
  describe(`${dir} fixtures`, () => {
    for (const f of fixtures(dir)) {
      test(f.name, async () => {
        const diagnostics = await session.openAndWait(f.uri, f.languageId, f.text);
        const expected = expectations(f.text);
        assert.deepEqual(actual(f.text, diagnostics, expected), expected);
        for (const d of diagnostics) {
          assert.equal(d.source, 'worker-manager');
          assert.equal(d.severity, DEFAULT_SEVERITY[String(d.code)], `severity of ${String(d.code)}`);
          assert.ok(d.codeDescription?.href.startsWith(dir === 'python' ? PY_DOCS : TS_DOCS), d.codeDescription?.href);
          assert.ok(typeof d.message === 'string' && d.message.length > 40, String(d.message));
        }
        await session.close(f.uri);
      });
    }
  });
}
