import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startTestPlatform, type TestPlatform } from './helpers/platform.js';
import { createUser, login, type Client } from './helpers/fixtures.js';
import { PROCESSES_DIR, loadBundledForms } from '../engine/bundled.js';

describe('forms deployed with a process version', () => {
  let p: TestPlatform;
  let designer: Client;
  let officer: Client;
  beforeAll(async () => {
    p = await startTestPlatform({ runtime: false });
    designer = await login(p.app, await createUser(p.db, { roles: ['designer'] }));
    officer = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: 'SNNMT-VP' }));
  });
  afterAll(async () => p?.close());

  it('keeps the form of version 1 for its instances when version 2 changes it', async () => {
    const id = `bieu-mau-phien-ban-${Date.now()}`;
    const xml1 = readFileSync(path.join(PROCESSES_DIR, 'dang-ky-bien-dong-dat-dai.bpmn'), 'utf8').replaceAll('dang-ky-bien-dong-dat-dai', id);
    const forms = loadBundledForms() as Record<string, { components: { key?: string; label?: string }[] }>;
    const v1 = await designer.post('/api/process-definitions', { resourceName: `${id}.bpmn`, xml: xml1, forms });
    expect(v1.status).toBe(201);

    const changed = structuredClone(forms);
    changed['tiep-nhan-ho-so'].components.find((c) => c.key === 'nguoiNop')!.label = 'Họ tên người nộp hồ sơ (bản 2)';
    const xml2 = xml1.replace('name="Tiếp nhận và kiểm tra hồ sơ"', 'name="Tiếp nhận hồ sơ"');
    const v2 = await designer.post('/api/process-definitions', { resourceName: `${id}.bpmn`, xml: xml2, forms: changed });
    expect(v2.body.processes[0].version).toBe(2);

    const label = async (version?: number) => {
      const q = version ? `?bpmnProcessId=${id}&version=${version}` : '';
      const r = await officer.get(`/api/forms/${encodeURIComponent('app:tiep-nhan-ho-so')}${q}`);
      expect(r.status).toBe(200);
      return r.body.schema.components.find((c: { key?: string }) => c.key === 'nguoiNop').label as string;
    };
    expect(await label(1)).toBe('Họ tên người nộp');
    expect(await label(2)).toBe('Họ tên người nộp hồ sơ (bản 2)');
    // Without a version: the latest deployed schema.
    expect(await label()).toBe('Họ tên người nộp hồ sơ (bản 2)');
    expect((await officer.get(`/api/forms/${encodeURIComponent('app:khong-co')}`)).status).toBe(404);
  });
});
