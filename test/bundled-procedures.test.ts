import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { startTestPlatform, type TestPlatform } from './helpers/platform.js';
import { createUser, login, waitFor, type Client } from './helpers/fixtures.js';
import { deskBpmn, pdfText, procedureEntry, receiveAtDesk } from './helpers/onestop.js';
import { PROCESSES_DIR, readBundledFiles } from '../engine/bundled.js';
import { importBundledProcedures } from '../domain/procedures/bundled.js';

/**
 * Issue 16, item 1: the processes the platform ships are procedures of the modeler. The shipped files
 * themselves were imported by the run's global setup (as `npm start` does); this file imports bundled
 * folders of its own (unique process ids) to change releases without touching what other files run.
 */
describe('bundled processes are procedures of the modeler', () => {
  let p: TestPlatform;
  let designer: Client;
  let officer: Client;
  let admin: Client;
  let desk: Client;
  const tag = randomBytes(3).toString('hex');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'eiso-bundled-'));
  const mcId = `mc-ship-${tag}`;
  const isoId = `iso-ship-${tag}`;
  const isoXml = () => readFileSync(path.join(PROCESSES_DIR, 'iso-xu-ly-rui-ro.bpmn'), 'utf8').replaceAll('iso-xu-ly-rui-ro', isoId);
  const entry = procedureEntry({ bpmnProcessId: mcId, name: `Thủ tục đi kèm ${tag}` });
  const importDir = () => importBundledProcedures(p.db, p.zeebe, readBundledFiles(dir));

  const putDraft = async (c: Client, id: string, body: unknown) => {
    const r = await p.app.inject({
      method: 'PUT',
      url: `/api/procedures/${id}/draft`,
      headers: { authorization: `Bearer ${c.token}` },
      payload: body as object,
    });
    return { status: r.statusCode, body: r.json() };
  };
  const definitionsOf = async (id: string) =>
    ((await designer.get('/api/process-definitions')).body.items as { bpmnProcessId: string; version: number }[]).filter((d) => d.bpmnProcessId === id);
  const receive = async () => {
    const r = await receiveAtDesk(p.app, desk, {
      procedureCode: entry.code,
      applicant: { name: 'Nguyễn Văn An', idNumber: '001203004567', phone: '0912345678', email: 'an@example.vn', address: '12 Lê Lợi' },
      documents: [
        { code: 'DON', copies: 1 },
        { code: 'CCCD', copies: 1 },
      ],
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body as { id: string; code: string };
  };
  /** Running cases per version, as the procedure's versions list shows them, once they are as expected. */
  const runningPerVersion = (expected: Record<number, number>) =>
    waitFor(
      async () => {
        const versions = (await designer.get(`/api/procedures/${mcId}`)).body.versions as { version: number; runningInstances: number }[];
        const got = Object.fromEntries(versions.map((v) => [v.version, v.runningInstances]));
        return JSON.stringify(got) === JSON.stringify(expected) ? got : undefined;
      },
      `running cases per version ${JSON.stringify(expected)}`,
      30_000,
      250,
    );

  beforeAll(async () => {
    p = await startTestPlatform();
    designer = await login(p.app, await createUser(p.db, { roles: ['designer'] }));
    officer = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: 'SNNMT-QLDD' }));
    admin = await login(p.app, await createUser(p.db, { roles: ['admin'] }));
    desk = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: 'SNNMT-VP' }));
    // A bundled folder as processes/ is: a one-stop model, an ISO model and the forms the ISO one names.
    writeFileSync(path.join(dir, `${mcId}.bpmn`), deskBpmn(mcId));
    writeFileSync(path.join(dir, `${isoId}.bpmn`), isoXml());
    mkdirSync(path.join(dir, 'forms'));
    for (const f of ['iso-rr-danh-gia', 'iso-rr-thuc-hien', 'iso-rr-xem-xet', 'phe-duyet'])
      copyFileSync(path.join(PROCESSES_DIR, 'forms', `${f}.form`), path.join(dir, 'forms', `${f}.form`));
    expect((await admin.post('/api/onestop/procedures/import', [entry])).status).toBe(200);
  });
  afterAll(async () => {
    await p?.close();
  });

  it('a designer signing in lists every shipped process, marked as shipped, with its first version in force', async () => {
    const list = (await designer.get('/api/procedures')).body.items as Record<string, unknown>[];
    const shipped = readdirSync(PROCESSES_DIR).filter((f) => f.endsWith('.bpmn'));
    expect(shipped).toHaveLength(15);
    for (const file of shipped) {
      const row = list.find((r) => r.bpmnProcessId === file.replace(/\.bpmn$/, ''));
      expect(row, file).toMatchObject({ bundledFile: file, latestVersionState: 'published' });
    }
    expect(list.find((r) => r.bpmnProcessId === 'iso-xu-ly-rui-ro')).toMatchObject({ name: 'Đánh giá và xử lý rủi ro, cơ hội', kind: 'iso' });
    expect(list.find((r) => r.bpmnProcessId === 'mc-dang-ky-khai-sinh')).toMatchObject({ kind: 'onestop' });
    expect(list.find((r) => r.bpmnProcessId === 'xu-ly-van-ban-den')).toMatchObject({ kind: null });
    // The one-stop procedure names the catalogue entries it serves.
    const land = (await designer.get('/api/procedures/dang-ky-bien-dong-dat-dai')).body;
    expect(land.bundledFile).toBe('dang-ky-bien-dong-dat-dai.bpmn');
    expect(land.draft.xml).toBe(readFileSync(path.join(PROCESSES_DIR, 'dang-ky-bien-dong-dat-dai.bpmn'), 'utf8'));
    expect(land.draft.changedSincePublish).toBe(false);
  });

  it('a shipped procedure in calendar days prints its limit as the law states it, its steps fitting the working days it leaves', async () => {
    // Pharmacy practising certificate: "20 ngày" (Law on Pharmacy art. 24). Received on a Friday, 20 days end on
    // Thursday three weeks on: 14 working days; the steps take 7 + 4 + 2.5 + 0.5 = 14.
    const sheet = (await designer.get('/api/procedures/mc-cap-chung-chi-hanh-nghe-duoc/versions/1/sheet')).body;
    expect(sheet).toMatchObject({
      totalTimeLimitDays: 20,
      totalTimeLimitUnit: 'calendar_days',
      totalTimeLimitText: '20 ngày',
      stepDaysAvailable: 14,
      longestPathDays: 14,
    });
    const birth = (await designer.get('/api/procedures/mc-dang-ky-khai-sinh/versions/1/sheet')).body;
    expect(birth).toMatchObject({ totalTimeLimitUnit: 'within_day', totalTimeLimitText: 'trong ngày' });
    const pdf = await p.app.inject({
      method: 'GET',
      url: '/api/procedures/mc-cap-chung-chi-hanh-nghe-duoc/versions/1/sheet.pdf',
      headers: { authorization: `Bearer ${designer.token}` },
    });
    const text = (await pdfText(pdf.rawPayload)).replace(/\s+/g, ' ');
    expect(text).toContain('20 ngày');
    expect(text).toContain('Tổng thời hạn các bước trên đường dài nhất: 14 ngày làm việc (thời hạn 20 ngày chắc chắn có 14 ngày làm việc)');
  });

  it('imports a bundled folder once: version 1 is the file with its forms; concurrent and later imports change nothing', async () => {
    // Two API processes starting at once.
    const [a, b] = await Promise.all([importDir(), importDir()]);
    const outcomes = [...a, ...b].map((r) => `${r.bpmnProcessId}:${r.outcome}`).sort();
    expect(outcomes).toEqual([`${isoId}:created`, `${isoId}:unchanged`, `${mcId}:created`, `${mcId}:unchanged`].sort());
    expect((await importDir()).map((r) => r.outcome)).toEqual(['unchanged', 'unchanged']);

    const iso = (await designer.get(`/api/procedures/${isoId}`)).body;
    expect(iso).toMatchObject({ bundledFile: `${isoId}.bpmn`, name: 'Đánh giá và xử lý rủi ro, cơ hội', bundledOffer: null });
    expect(iso.draft.xml).toBe(isoXml());
    expect(Object.keys(iso.draft.forms).sort()).toEqual(['iso-rr-danh-gia', 'iso-rr-thuc-hien', 'iso-rr-xem-xet']);
    expect(iso.versions.map((v: { version: number; state: string }) => [v.version, v.state])).toEqual([[1, 'published']]);
    expect(await definitionsOf(isoId)).toHaveLength(1);
    expect(await definitionsOf(mcId)).toHaveLength(1);
    const mc = (await designer.get(`/api/procedures/${mcId}`)).body;
    expect(mc.catalogueCodes).toEqual([entry.code]);
    expect((await designer.get('/api/procedures')).body.items.find((r: { bpmnProcessId: string }) => r.bpmnProcessId === mcId)).toMatchObject({
      bundledFile: `${mcId}.bpmn`,
      kind: 'onestop',
      latestVersion: 1,
      bundledOfferPending: false,
    });

    // Its sheet prints like any procedure's.
    const pdf = await p.app.inject({
      method: 'GET',
      url: `/api/procedures/${isoId}/versions/1/sheet.pdf`,
      headers: { authorization: `Bearer ${designer.token}` },
    });
    expect(pdf.statusCode).toBe(200);
    const text = await pdfText(pdf.rawPayload);
    expect(text).toContain('QUY TRÌNH ĐÁNH GIÁ VÀ XỬ LÝ RỦI RO, CƠ HỘI');
    expect(text).toContain('Thư ký ISO xem xét, đánh giá lại');
  });

  it('a newer release of a procedure nobody changed becomes its next version', async () => {
    writeFileSync(path.join(dir, `${isoId}.bpmn`), isoXml().replace('Thư ký ISO xem xét, đánh giá lại', 'Thư ký ISO xem xét lại'));
    const r = await importDir();
    expect(r.find((x) => x.bpmnProcessId === isoId)).toEqual({ bpmnProcessId: isoId, outcome: 'published', version: 2 });
    const iso = (await designer.get(`/api/procedures/${isoId}`)).body;
    expect(iso.versions.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    expect(iso.draft.xml).toContain('Thư ký ISO xem xét lại');
    expect(iso.draft.changedSincePublish).toBe(false);
  });

  it("the designer's version 2 is what new dossiers start; a dossier on version 1 stays on it", async () => {
    const first = await receive();
    await runningPerVersion({ 1: 1 });

    // The designer renames the appraisal step and publishes.
    const mc = (await designer.get(`/api/procedures/${mcId}`)).body;
    const saved = await putDraft(designer, mcId, {
      revision: mc.draft.revision,
      xml: mc.draft.xml.replace('Thẩm định hồ sơ', 'Thẩm định hồ sơ (bản 2)'),
      forms: {},
    });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    const published = await designer.post(`/api/procedures/${mcId}/publish`, { revision: saved.body.revision });
    expect(published.status, JSON.stringify(published.body)).toBe(201);
    expect(published.body.version).toBe(2);

    const second = await receive();
    await runningPerVersion({ 1: 1, 2: 1 });
    // Each dossier's appraisal step reaches the officer under the name of its own version.
    const names = await waitFor(
      async () => {
        const items = (await officer.get('/api/tasks?scope=available&limit=200')).body.items as { name: string; processInstanceKey: string }[];
        const keys = await Promise.all(
          [first, second].map(async (d) => (await desk.get(`/api/onestop/dossiers/${d.id}`)).body.processInstanceKey as string | null),
        );
        const byKey = keys.map((k) => items.find((t) => t.processInstanceKey === k)?.name);
        return byKey.every(Boolean) ? byKey : undefined;
      },
      'both appraisal steps in the inbox',
      30_000,
    );
    expect(names).toEqual(['Thẩm định hồ sơ', 'Thẩm định hồ sơ (bản 2)']);
  });

  it("a newer bundled release after the designer's own version is offered as a draft to review, never deployed over it", async () => {
    const before = (await designer.get(`/api/procedures/${mcId}`)).body;
    writeFileSync(path.join(dir, `${mcId}.bpmn`), deskBpmn(mcId, { days: 7 }));
    expect((await importDir()).find((x) => x.bpmnProcessId === mcId)).toEqual({ bpmnProcessId: mcId, outcome: 'offered' });
    expect((await importDir()).find((x) => x.bpmnProcessId === mcId)).toEqual({ bpmnProcessId: mcId, outcome: 'unchanged' });

    const offered = (await designer.get(`/api/procedures/${mcId}`)).body;
    expect(offered.versions.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    expect(await definitionsOf(mcId)).toHaveLength(2);
    expect(offered.draft).toEqual(before.draft);
    expect(offered.bundledOffer.xml).toBe(deskBpmn(mcId, { days: 7 }));
    expect(offered.events[0]).toMatchObject({ kind: 'bundled-offered', actor: null });
    expect((await designer.get('/api/procedures')).body.items.find((r: { bpmnProcessId: string }) => r.bpmnProcessId === mcId).bundledOfferPending).toBe(true);
    // A new dossier still starts the designer's version.
    await receive();
    await runningPerVersion({ 1: 1, 2: 2 });

    // Refusals change nothing: an officer, a stale draft revision, an offer that does not wait.
    const offerUrl = `/api/procedures/${mcId}/bundled-offers/${offered.bundledOffer.id}`;
    expect((await officer.post(`${offerUrl}/accept`, { revision: offered.draft.revision })).status).toBe(403);
    const stale = await designer.post(`${offerUrl}/accept`, { revision: offered.draft.revision - 1 });
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe('REVISION_CONFLICT');
    const missing = await designer.post(`/api/procedures/${mcId}/bundled-offers/${offered.bundledOffer.id + 100000}/accept`, {
      revision: offered.draft.revision,
    });
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('BUNDLED_OFFER_NOT_FOUND');
    expect(missing.body.message).toMatch(/^Không có bản phát hành/);
    expect((await designer.get(`/api/procedures/${mcId}`)).body.draft).toEqual(before.draft);

    // Accepted: the release is the draft; published, it is version 3.
    const accepted = await designer.post(`${offerUrl}/accept`, { revision: offered.draft.revision });
    expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
    expect(accepted.body.bundledOffer).toBeNull();
    expect(accepted.body.draft.xml).toBe(deskBpmn(mcId, { days: 7 }));
    expect(accepted.body.draft.changedSincePublish).toBe(true);
    expect((await designer.post(`${offerUrl}/accept`, { revision: accepted.body.draft.revision })).status).toBe(404);
    const v3 = await designer.post(`/api/procedures/${mcId}/publish`, { revision: accepted.body.draft.revision });
    expect(v3.status, JSON.stringify(v3.body)).toBe(201);
    expect(v3.body.version).toBe(3);
    await receive();
    await runningPerVersion({ 1: 1, 2: 2, 3: 1 });
  });
});
