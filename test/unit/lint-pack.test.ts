import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from './imports.js';

/**
 * The modeler lints in the browser with a packed copy of engine/bpmnlintrc.json, the configuration the
 * server validates with. Packing it again must give the committed file: after a change of the rc or a
 * bpmnlint upgrade, `npm run lint:pack` and commit, or the browser and the server lint differently.
 */
describe('bpmnlint: one configuration for the browser and the server', () => {
  it('the committed modeler/lint/packed-config.js is what npm run lint:pack writes today', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lint-pack-'));
    try {
      const out = path.join(dir, 'packed.js');
      execFileSync(process.execPath, [path.join(ROOT, 'modeler/lint/pack-config.mjs'), '--out', out], { cwd: ROOT, stdio: 'ignore' });
      const fresh = readFileSync(out, 'utf8');
      expect(fresh).toMatch(/from 'bpmnlint\/rules\/label-required'/);
      expect(readFileSync(path.join(ROOT, 'modeler/lint/packed-config.js'), 'utf8')).toBe(fresh);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
