import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from './helpers/platform.js';
import { createUser, login, waitFor, type Client } from './helpers/fixtures.js';

/**
 * Issue 16, item 1: an ISO process is a procedure of the modeler and an ISO record follows its published
 * version. The designer publishes a new version of the shipped risk process (processes/iso-xu-ly-rui-ro.bpmn)
 * through the API; the next risk recorded starts that version. In the serial lane (vitest.config.ts
 * SERIAL): a new version of a shipped process is seen by every file that starts it, and the browser test
 * of the shipped procedures expects version 1 of each.
 */
const RISK = 'iso-xu-ly-rui-ro';
const OLD_NAME = 'Đánh giá khả năng, mức độ; xác định biện pháp';
const NEW_NAME = 'Đánh giá khả năng, mức độ; xác định biện pháp xử lý';

describe("an ISO record starts the designer's published version of its shipped process", () => {
  let p: TestPlatform;
  let designer: Client;
  let officer: Client;
  let head: Client;
  const started: string[] = [];

  beforeAll(async () => {
    p = await startTestPlatform();
    designer = await login(p.app, await createUser(p.db, { roles: ['designer'] }));
    officer = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: 'SNNMT-QLDD' }));
    head = await login(p.app, await createUser(p.db, { roles: ['leader'], unitCode: 'SNNMT-QLDD' }));
  });
  afterAll(async () => {
    for (const key of started) await p?.zeebe.cancelProcessInstance(key).catch(() => {});
    await p?.close();
  });

  /** The open assessment step of the risk's process, as the unit's leader sees it in the inbox. */
  const assessment = (key: string) =>
    waitFor(async () => {
      const r = await head.get(`/api/tasks?scope=all&caseCode=${key}`);
      return (r.body.items as any[] | undefined)?.find((t) => t.processInstanceKey === key && t.elementId === 'DanhGiaRuiRo' && t.status === 'open');
    }, `the assessment step of ${key}`);

  const record = async (title: string) => {
    const r = await officer.post('/api/iso/risks', { kind: 'risk', title, description: 'Phát hiện khi rà soát hồ sơ' });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    started.push(r.body.processInstanceKey);
    return r.body.processInstanceKey as string;
  };

  it('publishes a new version of the shipped risk process and the next risk runs it', async () => {
    const before = (await designer.get(`/api/procedures/${RISK}`)).body;
    expect(before.bundledFile).toBe(`${RISK}.bpmn`);
    const inForce = before.versions[0].version as number;

    // A risk recorded now runs the version in force.
    const first = await record('Thiếu cán bộ thẩm định');
    const t1 = await assessment(first);
    expect([t1.processVersion, t1.name]).toEqual([inForce, OLD_NAME]);

    // The designer renames the assessment step in the draft and publishes it.
    expect(before.draft.xml).toContain(`name="${OLD_NAME}"`);
    const saved = await p.app.inject({
      method: 'PUT',
      url: `/api/procedures/${RISK}/draft`,
      headers: { authorization: `Bearer ${designer.token}` },
      payload: { revision: before.draft.revision, xml: before.draft.xml.replace(`name="${OLD_NAME}"`, `name="${NEW_NAME}"`) },
    });
    expect(saved.statusCode, saved.body).toBe(200);
    const published = await designer.post(`/api/procedures/${RISK}/publish`, { revision: saved.json().revision });
    expect(published.status, JSON.stringify(published.body)).toBe(201);
    expect(published.body.version).toBe(inForce + 1);

    // The next risk starts the new version: its step carries the new name; the first one stays on its version.
    const second = await record('Mất hồ sơ giấy');
    const t2 = await assessment(second);
    expect([t2.processVersion, t2.name]).toEqual([inForce + 1, NEW_NAME]);
    expect((await head.get(`/api/tasks/${t1.id}`)).body).toMatchObject({ processVersion: inForce, name: OLD_NAME });
    const versions = (await designer.get(`/api/procedures/${RISK}`)).body.versions.map((v: any) => [v.version, v.state]);
    expect(versions[0]).toEqual([inForce + 1, 'published']);
  });
});
