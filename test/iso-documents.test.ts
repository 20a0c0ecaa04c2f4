import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { startTestPlatform, type TestPlatform } from './helpers/platform.js';
import { createUser, login, waitFor, type Client } from './helpers/fixtures.js';

/**
 * Document control (processes/iso-kiem-soat-tai-lieu.bpmn) through the HTTP API: draft, review by the
 * department head, the ISO secretary and the quality leader, issue by the top leader, a rejected
 * draft looping back, distribution with read confirmation, then a revision and a withdrawal; the
 * register of controlled documents and the annual report show each.
 */
describe('ISO document control', () => {
  let p: TestPlatform;
  let drafter: Client; // SNNMT-QLDD officer
  let head: Client; // SNNMT-QLDD leader (department head)
  let secretary: Client; // SNNMT-ISO officer (ISO secretary)
  let quality: Client; // SNNMT-ISO leader (quality leader)
  let top: Client; // SNNMT leader (top leader)
  let officeReader: Client; // SNNMT-VP officer
  let communeReader: Client; // XA-TANPHU officer
  const year = new Date().getFullYear();

  beforeAll(async () => {
    p = await startTestPlatform();
    drafter = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: 'SNNMT-QLDD' }));
    head = await login(p.app, await createUser(p.db, { roles: ['leader'], unitCode: 'SNNMT-QLDD' }));
    secretary = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: 'SNNMT-ISO' }));
    quality = await login(p.app, await createUser(p.db, { roles: ['leader'], unitCode: 'SNNMT-ISO' }));
    top = await login(p.app, await createUser(p.db, { roles: ['leader'], unitCode: 'SNNMT' }));
    officeReader = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: 'SNNMT-VP' }));
    communeReader = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: 'XA-TANPHU' }));
  });
  afterAll(async () => p?.close());

  // Under load (several brokers on two cores) a step can take long to reach the inbox and a register
  // write long to land: every wait polls the observable state with a generous bound, never sleeps.
  const WAIT_MS = 90_000;
  const nextTask = (who: Client, instanceKey: string, elementId: string, notIds: string[] = []) =>
    waitFor(
      async () => {
        const r = await who.get('/api/tasks?scope=all&limit=200');
        return (r.body.items as any[]).find(
          (t) => t.processInstanceKey === instanceKey && t.elementId === elementId && t.status === 'open' && !notIds.includes(t.id),
        );
      },
      `${elementId} in the inbox of ${who.user.username}`,
      WAIT_MS,
    );
  const done: string[] = [];
  const work = async (who: Client, instanceKey: string, elementId: string, variables: Record<string, unknown>) => {
    const t = await nextTask(who, instanceKey, elementId, done);
    expect((await who.post(`/api/tasks/${t.id}/claim`)).status).toBe(200);
    const r = await who.post(`/api/tasks/${t.id}/complete`, { variables });
    // 503 = the gateway did not answer in time: the result is saved and the runtime sends it again.
    expect([200, 503], JSON.stringify(r.body)).toContain(r.status);
    if (r.status === 503)
      await waitFor(async () => (await who.get(`/api/tasks/${t.id}`)).body.status === 'completed', `${elementId} completion re-sent`, WAIT_MS);
    done.push(t.id);
    return t;
  };
  const doc = (id: string) => drafter.get(`/api/iso/documents/${id}`).then((r) => r.body);
  const waitDoc = (id: string, ok: (d: any) => boolean, what: string) =>
    waitFor(
      async () => {
        const d = await doc(id);
        return ok(d) ? d : null;
      },
      what,
      WAIT_MS,
    );
  /** Review chain after the draft: head, ISO secretary, quality leader, top leader. */
  const approveAll = async (key: string, ngayHieuLuc: string) => {
    await work(head, key, 'LanhDaoPhongRaSoat', { ketQuaRaSoat: 'dat' });
    await work(secretary, key, 'ThuKyIsoRaSoat', { ketQuaRaSoat: 'dat' });
    await work(quality, key, 'LanhDaoChatLuongXemXet', { ketQuaRaSoat: 'dat' });
    await work(top, key, 'LanhDaoBanHanh', { ketQuaRaSoat: 'dat', ngayHieuLuc });
  };

  // One document through four process instances, step by step; each step gets its own time budget
  // (the file-wide 60 s was once too short for the whole chain on a loaded machine).
  const STEP_MS = 240_000;
  const code = `QT-${randomBytes(3).toString('hex').toUpperCase()}`;
  let id: string;
  let key1: string;

  it(
    'issues a controlled document after a rejected draft, through the whole review chain',
    async () => {
      const body = { code, title: 'Quy trình kiểm soát tài liệu', docType: 'quy-trinh', summary: 'Ban hành lần đầu', distributeTo: ['SNNMT-VP', 'XA-TANPHU'] };

      // Refused, and nothing written: unknown unit, an auditor, then a duplicate code.
      expect((await drafter.post('/api/iso/documents', { ...body, distributeTo: ['KHONG-CO'] })).status).toBe(400);
      const auditor = await login(p.app, await createUser(p.db, { roles: ['auditor'], unitCode: 'TINH' }));
      expect((await auditor.post('/api/iso/documents', body)).status).toBe(403);
      expect(await p.db('iso_documents').where({ code })).toHaveLength(0);
      const created = await drafter.post('/api/iso/documents', body);
      expect(created.status).toBe(201);
      expect((await drafter.post('/api/iso/documents', body)).status).toBe(409);
      id = created.body.id as string;
      expect(created.body).toMatchObject({ code, status: 'draft', ownerUnitCode: 'SNNMT-QLDD', effectiveVersion: null });
      key1 = created.body.versions[0].processInstanceKey as string;

      // Draft, head approves, the ISO secretary rejects: back to the drafter.
      await work(drafter, key1, 'SoanThao', { tomTatNoiDung: 'Dự thảo lần 1' });
      await work(head, key1, 'LanhDaoPhongRaSoat', { ketQuaRaSoat: 'dat', yKienRaSoat: 'Đạt' });
      await work(secretary, key1, 'ThuKyIsoRaSoat', { ketQuaRaSoat: 'khong-dat', yKienRaSoat: 'Sai mã hiệu tài liệu' });
      const redraft = await nextTask(drafter, key1, 'SoanThao', done);
      expect(redraft.variables.yKienRaSoat).toBe('Sai mã hiệu tài liệu');
      const inRework = await waitDoc(id, (d) => d.versions[0].reworkCount === 1, 'rework counted');
      expect(inRework.versions[0]).toMatchObject({ status: 'rework', currentStep: 'Soạn thảo tài liệu' });

      // Second round passes every reviewer; the top leader issues it with an effective date.
      await work(drafter, key1, 'SoanThao', { tomTatNoiDung: 'Dự thảo lần 2, sửa mã hiệu' });
      await approveAll(key1, `${year}-12-01`);
      const issued = await waitDoc(id, (d) => d.status === 'effective', 'document in force');
      expect(issued).toMatchObject({ effectiveVersion: 1, effectiveFrom: `${year}-12-01` });
      expect(issued.versions[0]).toMatchObject({
        version: 1,
        kind: 'issue',
        status: 'issued',
        issuedBy: top.user.username,
        changeSummary: 'Dự thảo lần 2, sửa mã hiệu',
        reworkCount: 1,
      });
      expect(issued.versions[0].distribution.map((d: any) => [d.unitCode, d.confirmedBy])).toEqual([
        ['SNNMT-VP', null],
        ['XA-TANPHU', null],
      ]);
    },
    STEP_MS,
  );

  it(
    'distributes the issued version: each receiving unit confirms it read it',
    async () => {
      // Each receiving unit confirms it read it; only its own people are offered the step.
      const vpTask = await nextTask(officeReader, key1, 'XacNhanDaDoc');
      expect((await communeReader.post(`/api/tasks/${vpTask.id}/claim`)).status).toBe(403);
      await work(officeReader, key1, 'XacNhanDaDoc', { daDoc: true });
      await work(communeReader, key1, 'XacNhanDaDoc', { daDoc: true });
      const read = await waitDoc(id, (d) => d.versions[0].distribution.every((x: any) => x.confirmedAt), 'both read confirmations');
      expect(read.versions[0].distribution.map((d: any) => [d.unitCode, d.confirmedBy])).toEqual([
        ['SNNMT-VP', officeReader.user.username],
        ['XA-TANPHU', communeReader.user.username],
      ]);
      await waitFor(
        async () => (await p.db('hist_process_instances').where({ process_instance_key: key1, state: 'completed' }).first()) ?? false,
        'issue instance completed',
        WAIT_MS,
      );
    },
    STEP_MS,
  );

  it(
    'revises the document: version 2 supersedes version 1',
    async () => {
      // Revision: only the owner unit may ask, one request at a time; version 2 supersedes version 1.
      expect((await communeReader.post(`/api/iso/documents/${id}/revisions`, { summary: 'Sửa', distributeTo: ['SNNMT-VP'] })).status).toBe(403);
      const rev = await drafter.post(`/api/iso/documents/${id}/revisions`, { summary: 'Bổ sung bước lưu hồ sơ', distributeTo: ['SNNMT-VP'] });
      expect(rev.status).toBe(201);
      expect((await drafter.post(`/api/iso/documents/${id}/withdrawal`, { summary: 'Hủy', distributeTo: ['SNNMT-VP'] })).status).toBe(409);
      const v2 = rev.body.versions.find((v: any) => v.version === 2);
      expect(v2).toMatchObject({ kind: 'revision', status: expect.stringMatching(/drafting/) });
      await work(drafter, v2.processInstanceKey, 'SoanThao', { tomTatNoiDung: 'Bổ sung bước lưu hồ sơ' });
      await approveAll(v2.processInstanceKey, `${year}-12-15`);
      const revised = await waitDoc(id, (d) => d.effectiveVersion === 2, 'version 2 in force');
      expect(revised.effectiveFrom).toBe(`${year}-12-15`);
      expect(revised.versions.map((v: any) => [v.version, v.status])).toEqual([
        [2, 'issued'],
        [1, 'superseded'],
      ]);
      await work(officeReader, v2.processInstanceKey, 'XacNhanDaDoc', { daDoc: true });
    },
    STEP_MS,
  );

  it(
    'withdraws the document on an accepted staff proposal, and the register and the report show all of it',
    async () => {
      // Staff of another unit propose a withdrawal: the ISO secretary turns down the first proposal, the
      // second is accepted by the secretary and the quality leader and becomes the owner unit's request.
      const p1 = await communeReader.post(`/api/iso/documents/${id}/proposals`, { kind: 'withdrawal', reason: 'Không còn áp dụng' });
      expect(p1.status).toBe(201);
      const proposalKey = async (proposalId: string) => String((await p.db('iso_document_proposals').where({ id: proposalId }).first()).process_instance_key);
      await work(secretary, await proposalKey(p1.body.proposals[0].id), 'ThuKyXemXet', {
        ketQuaXemXetDeXuat: 'khong-dat',
        yKienDeXuat: 'Chưa có văn bản thay thế',
      });
      await waitDoc(id, (d) => d.proposals[0].status === 'rejected', 'first proposal turned down');
      const p2 = await communeReader.post(`/api/iso/documents/${id}/proposals`, { kind: 'withdrawal', reason: 'Thay bằng quy trình liên thông' });
      expect(p2.status).toBe(201);
      const p2Key = await proposalKey(p2.body.proposals[0].id);
      await work(secretary, p2Key, 'ThuKyXemXet', { ketQuaXemXetDeXuat: 'dat' });
      await work(quality, p2Key, 'LanhDaoChatLuongDuyet', { ketQuaXemXetDeXuat: 'dat', yKienDeXuat: 'Đồng ý hủy bỏ' });
      const wd = {
        body: await waitDoc(
          id,
          (d) =>
            d.proposals[0].status === 'accepted' && d.proposals[0].versionId && d.versions.some((v: any) => v.kind === 'withdrawal' && v.processInstanceKey),
          'withdrawal request opened from the proposal',
        ),
      };
      expect(wd.body.proposals.map((x: any) => x.status)).toEqual(['accepted', 'rejected']);
      expect(wd.body.versions.find((v: any) => v.kind === 'withdrawal')).toMatchObject({
        requestedBy: communeReader.user.username,
        changeSummary: expect.stringContaining('Thay bằng quy trình liên thông'),
      });
      const wv = wd.body.versions.find((v: any) => v.kind === 'withdrawal');
      await work(drafter, wv.processInstanceKey, 'SoanThao', { tomTatNoiDung: 'Thay bằng quy trình liên thông' });
      await approveAll(wv.processInstanceKey, `${year}-12-31`);
      const withdrawn = await waitDoc(id, (d) => d.status === 'withdrawn', 'document withdrawn');
      expect(withdrawn.effectiveVersion).toBeNull();
      expect(withdrawn.versions.map((v: any) => [v.kind, v.status])).toEqual([
        ['withdrawal', 'withdrawn'],
        ['revision', 'withdrawn'],
        ['issue', 'superseded'],
      ]);
      expect((await drafter.post(`/api/iso/documents/${id}/revisions`, { summary: 'Sửa', distributeTo: ['SNNMT-VP'] })).status).toBe(409);

      // The register lists it for everyone; the annual report counts the issue, the revision and the withdrawal with their records.
      expect((await communeReader.get('/api/iso/documents')).body.items.map((d: any) => d.code)).toContain(code);
      const report = await top.get(`/api/iso/report?year=${year}`);
      const mine = report.body.documents.items.filter((d: any) => d.code === code);
      expect(mine.map((d: any) => [d.kind, d.version])).toEqual([
        ['issue', 1],
        ['revision', 2],
        ['withdrawal', 2],
      ]);
      expect(mine[0]).toMatchObject({ unitsDistributed: 2, unitsConfirmed: 2, recordLink: `/cases/${key1}`, issuedBy: top.user.username });
    },
    STEP_MS,
  );
});
