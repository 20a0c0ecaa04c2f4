import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { startTestPlatform, type TestPlatform } from './helpers/platform.js';
import { createUser, login, waitFor, type Client } from './helpers/fixtures.js';
import { insertDossier, procedureEntry, tinyBpmn } from './helpers/onestop.js';
import { formatDossierCode, nextDossierCode } from '../domain/onestop/code.js';
import { changeStatus } from '../domain/onestop/dossiers.js';
import { importBundledCatalogue } from '../domain/onestop/catalogue.js';
import { toLocalIso } from '../domain/deadlines/calendar/index.js';
import { writeFileSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

describe('one-stop core: catalogue import, dossier code, onestop-* workers', () => {
  let p: TestPlatform;
  let admin: Client;
  let designer: Client;
  let officer: Client;

  beforeAll(async () => {
    p = await startTestPlatform();
    admin = await login(p.app, await createUser(p.db, { roles: ['admin'] }));
    designer = await login(p.app, await createUser(p.db, { roles: ['designer'] }));
    officer = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: 'SNNMT-VP' }));
  });
  afterAll(async () => {
    await p?.close();
  });

  const importJson = (c: Client, rows: unknown) => c.post('/api/onestop/procedures/import', rows);
  const importCsv = async (c: Client, csv: string) => {
    const r = await p.app.inject({
      method: 'POST',
      url: '/api/onestop/procedures/import.csv',
      headers: { authorization: `Bearer ${c.token}`, 'content-type': 'text/csv' },
      payload: csv,
    });
    return { status: r.statusCode, body: r.json() };
  };

  describe('catalogue import', () => {
    it('JSON: a bad row refuses the whole import with a message per row, and nothing is saved', async () => {
      const good = procedureEntry();
      const bad1 = procedureEntry({ timeLimitDays: 0.3, onlineLevel: 'level4' });
      const bad2 = procedureEntry({
        agencyEid: 'h99 12',
        deskUnitCode: 'NO-SUCH-UNIT',
        requiredDocuments: [
          { code: 'A', name: 'x' },
          { code: 'A', name: 'y' },
        ],
      });
      const r = await importJson(admin, [good, bad1, bad2]);
      expect(r.status).toBe(400);
      expect(r.body.message).toMatch(/^Danh mục có 2 dòng không hợp lệ/);
      expect(r.body.rows.map((x: { row: number }) => x.row)).toEqual([2, 3]);
      expect(r.body.rows[0].message).toContain('timeLimitDays');
      expect(r.body.rows[0].message).toContain('onlineLevel "level4"');
      expect(r.body.rows[1].message).toContain('agencyEid');
      expect(r.body.rows[1].message).toContain('không có đơn vị "NO-SUCH-UNIT"');
      expect(r.body.rows[1].message).toContain('mã giấy tờ "A" bị trùng');
      expect(await p.db('onestop_procedures').where({ code: good.code }).first()).toBeUndefined();
    });

    it('a refused row names each problem with a code and params; PUT with a blank-padded code is a 400 with a code, not a 500', async () => {
      const r = await importJson(admin, [procedureEntry({ onlineLevel: 'level4' })]);
      expect(r.status).toBe(400);
      expect(r.body).toMatchObject({ code: 'CATALOGUE_INVALID', params: { count: 1 } });
      expect(r.body.rows[0].problems).toContainEqual(expect.objectContaining({ code: 'CATALOGUE_ONLINE_LEVEL', params: { value: 'level4' } }));
      const entry = procedureEntry();
      const { code, ...body } = entry;
      const put = await p.app.inject({
        method: 'PUT',
        url: `/api/onestop/procedures/%20${encodeURIComponent(String(code))}%20`,
        headers: { authorization: `Bearer ${admin.token}` },
        payload: body,
      });
      expect(put.statusCode).toBe(400);
      expect(put.json()).toMatchObject({ code: 'PROCEDURE_CODE_PADDED', params: { code } });
      expect(await p.db('onestop_procedures').where({ code }).first()).toBeUndefined();
      const ok = await p.app.inject({
        method: 'PUT',
        url: `/api/onestop/procedures/${encodeURIComponent(String(code))}`,
        headers: { authorization: `Bearer ${admin.token}` },
        payload: body,
      });
      expect(ok.statusCode).toBe(200);
    });

    it('JSON: creates, then the same file again changes nothing, a changed entry is updated; admins only', async () => {
      const a = procedureEntry();
      const b = procedureEntry({ processVersion: 2 });
      expect((await importJson(officer, [a])).status).toBe(403);
      const first = await importJson(admin, [a, b]);
      expect(first.status).toBe(200);
      expect(first.body).toEqual({ created: [a.code, b.code], updated: [], unchanged: [] });
      const again = await importJson(admin, [a, { ...b, timeLimitDays: 7.5 }]);
      expect(again.body).toEqual({ created: [], updated: [b.code], unchanged: [a.code] });
      const got = await officer.get(`/api/onestop/procedures/${b.code}`);
      expect(got.status).toBe(200);
      expect(got.body).toMatchObject({ timeLimitDays: 7.5, processVersion: 2, requiredDocuments: b.requiredDocuments, fees: b.fees, active: true });
      const audit = await p.db('audit_log').where({ action: 'onestop.catalogue.import', actor: admin.user.username }).first();
      expect(audit).toBeTruthy();
    });

    it('CSV: the same columns, JSON text in the list cells, errors by line', async () => {
      const e = procedureEntry();
      const q = (v: unknown) => `"${String(typeof v === 'object' ? JSON.stringify(v) : v).replace(/"/g, '""')}"`;
      const cols = [
        'code',
        'name',
        'field',
        'agencyCode',
        'agencyName',
        'deskUnitCode',
        'agencyEid',
        'timeLimitDays',
        'fees',
        'requiredDocuments',
        'result',
        'onlineLevel',
        'legalBasis',
        'bpmnProcessId',
        'processVersion',
      ];
      const line = (x: Record<string, unknown>) => cols.map((c) => q(x[c] ?? '')).join(',');
      const badLine = line({ ...procedureEntry(), requiredDocuments: '[{"code": "X"' });
      const bad = await importCsv(admin, [cols.join(','), line(e), badLine].join('\r\n'));
      expect(bad.status).toBe(400);
      expect(bad.body.rows).toHaveLength(1);
      expect(bad.body.rows[0].row).toBe(3);
      expect(bad.body.rows[0].message).toContain('requiredDocuments không phải JSON hợp lệ');
      const ok = await importCsv(admin, '\uFEFF' + [cols.join(','), line(e)].join('\n'));
      expect(ok.status).toBe(200);
      expect(ok.body.created).toEqual([e.code]);
      const row = await p.db('onestop_procedures').where({ code: e.code }).first();
      expect(Number(row.time_limit_days)).toBe(5);
      expect(row.required_documents).toEqual(e.requiredDocuments);
      expect(row.process_version).toBeNull();
      const missing = await importCsv(admin, 'code,name\nX,Y');
      expect(missing.status).toBe(400);
      expect(missing.body.rows[0].message).toContain('Dòng tiêu đề thiếu cột');
    });

    it('the bundled catalogue file is imported idempotently', async () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'cat-'));
      const file = path.join(dir, 'onestop-catalogue.json');
      const e = procedureEntry();
      writeFileSync(file, JSON.stringify([e]));
      expect(await importBundledCatalogue(p.db, file)).toEqual({ created: [e.code], updated: [], unchanged: [] });
      expect(await importBundledCatalogue(p.db, file)).toEqual({ created: [], updated: [], unchanged: [e.code] });
      expect(await importBundledCatalogue(p.db, path.join(dir, 'absent.json'))).toBeNull();
    });
  });

  describe('dossier code', () => {
    it('follows <agency e-ID>-<YYMMDD>-<seq4> on the Vietnam date, one daily counter per agency, no duplicates under concurrency', async () => {
      const eid = `H${String(Math.floor(Math.random() * 90) + 10)}.${randomBytes(2)
        .toString('hex')
        .toUpperCase()
        .replace(/[^A-Z0-9]/g, '9')}`;
      // 23:30 UTC on 1 March 2026 is 06:30 on 2 March in Vietnam.
      const at = new Date('2026-03-01T23:30:00Z');
      const codes = await Promise.all(Array.from({ length: 25 }, () => nextDossierCode(p.db, eid, at)));
      expect(new Set(codes).size).toBe(25);
      expect(codes.every((c) => c.startsWith(`${eid}-260302-`))).toBe(true);
      expect(codes.map((c) => c.split('-').pop()).sort()).toEqual(Array.from({ length: 25 }, (_, i) => String(i + 1).padStart(4, '0')));
      expect(await nextDossierCode(p.db, eid, new Date('2026-03-02T17:00:00Z'))).toBe(`${eid}-260303-0001`);
      expect(formatDossierCode('{eid}-{yymmdd}-{seq4}', { eid: 'X', day: '2026-01-05', seq: 12345 })).toBe('X-260105-12345');
      expect(formatDossierCode('{eid}-{yyyymmdd}-{seq6}', { eid: 'X', day: '2026-01-05', seq: 7 })).toBe('X-20260105-000007');
      await expect(nextDossierCode(p.db, eid, at, '{eid}-{seq4}')).rejects.toThrow(/must contain/);
    });
  });

  describe('onestop-* workers driven by a tiny model', { timeout: 150_000 }, () => {
    let bpmnProcessId: string;
    let procedureCode: string;
    const transferTo = 'XA-TANPHU';

    beforeAll(async () => {
      const e = procedureEntry();
      procedureCode = e.code as string;
      bpmnProcessId = e.bpmnProcessId as string;
      expect((await importJson(admin, [e])).status).toBe(200);
      const dep = await designer.post('/api/process-definitions', { resourceName: `${bpmnProcessId}.bpmn`, xml: tinyBpmn(bpmnProcessId, transferTo) });
      expect(dep.status, JSON.stringify(dep.body)).toBe(201);
    });

    const dossier = (id: string) => p.db('dossiers').where({ id }).first();
    // 50 s: a job activated by another file's platform as that platform closes comes back after its 30 s timeout
    const statusIs = (id: string, status: string) =>
      waitFor(async () => ((await dossier(id))?.status === status ? dossier(id) : undefined), `status ${status}`, 50_000);
    const start = async (d: { id: string; code: string }, receivedAt: Date, variables: Record<string, unknown> = {}) => {
      const res = await p.zeebe.createProcessInstance({
        bpmnProcessId,
        variables: {
          dossierId: d.id,
          dossierCode: d.code,
          procedureCode,
          channel: 'in_person',
          eisoReceivedAt: toLocalIso(receivedAt),
          applicantName: 'Nguyễn Văn An',
          lyDoBoSung: 'Thiếu bản sao căn cước',
          ketQua: 'cap',
          ...variables,
        },
      });
      await p.db('dossiers').where({ id: d.id }).update({ process_instance_key: res.processInstanceKey });
      return String(res.processInstanceKey);
    };

    it('status, supplement pause / message / resume (appointment moves), transfer leg, result, return', async () => {
      const receivedAt = new Date(Date.now() - 10 * 86_400_000);
      const d = await insertDossier(p.db, procedureCode, { received_at: receivedAt });
      const key = await start(d, receivedAt);

      // supplement requested: the clock pauses, the citizen gets the link
      let row = await statusIs(d.id, 'SUPPLEMENT_REQUESTED_IN_PROCESSING');
      expect(row.status_reason).toBe('Thiếu bản sao căn cước');
      const sup = await p.db('dossier_supplements').where({ dossier_id: d.id });
      expect(sup).toHaveLength(1);
      expect(sup[0].reason).toBe('Thiếu bản sao căn cước');
      expect(sup[0].submitted_at).toBeNull();
      const pause = await p.db('case_pauses').where({ process_instance_key: key }).first();
      expect(pause.resumed_at).toBeNull();
      const original = await p.db('case_deadlines').where({ process_instance_key: key }).first();
      // Given the request was made four days ago (so the pause spans working time)
      const pausedAt = new Date(Date.now() - 4 * 86_400_000);
      await p.db('case_pauses').where({ id: pause.id }).update({ paused_at: pausedAt });

      const notices = await p.db('dossier_notices').where({ dossier_id: d.id }).orderBy('id');
      expect(notices.map((n) => n.subject)).toEqual([`Hồ sơ ${d.code}: Đang xử lý`, `Hồ sơ ${d.code}: Yêu cầu bổ sung hồ sơ (tạm dừng)`]);
      expect(notices[1].body).toContain(`/bo-sung/${encodeURIComponent(d.code)}?t=${d.lookup_token}`);
      expect(notices[1].email).toBe('an@example.vn');

      // the citizen supplements: the message resumes the process
      await p.zeebe.publishMessage({
        name: 'onestop-supplement',
        correlationKey: d.code,
        messageId: `supplement-${sup[0].id}`,
        timeToLive: 60_000,
        variables: {},
      });
      row = await waitFor(
        async () => {
          const r = await dossier(d.id);
          return r.status === 'AWAITING_INTERAGENCY' ? r : undefined;
        },
        'transfer after resume',
        30_000,
      );
      const resumed = await p.db('case_pauses').where({ id: pause.id }).first();
      expect(resumed.resumed_at).not.toBeNull();
      expect(Number(resumed.working_days)).toBeGreaterThan(0);
      const moved = await p.db('case_deadlines').where({ process_instance_key: key }).first();
      expect(moved.appointment_at.getTime()).toBeGreaterThan(original.appointment_at.getTime());
      expect(row.appointment_at.getTime()).toBe(moved.appointment_at.getTime());
      expect((await p.db('dossier_supplements').where({ dossier_id: d.id }).first()).submitted_at).not.toBeNull();

      // transfer leg to the commune with its own budget
      const leg = await p.db('dossier_transfers').where({ dossier_id: d.id }).first();
      expect(leg).toMatchObject({ to_unit_code: transferTo, returned_at: null });
      expect(Number(leg.budget_days)).toBe(2);
      expect(leg.due_at.getTime()).toBeGreaterThan(leg.sent_at.getTime());
      expect(row.current_unit_code).toBe(transferTo);
      await p.zeebe.publishMessage({ name: 'test-interagency-reply', correlationKey: d.code, timeToLive: 60_000, variables: {} });

      // result issued, waiting for the return
      row = await statusIs(d.id, 'RESULT_AT_DESK');
      expect(row.resolved_at).not.toBeNull();
      const closedLeg = await p.db('dossier_transfers').where({ id: leg.id }).first();
      expect(closedLeg.returned_at).not.toBeNull();
      expect(closedLeg.on_time).toBe(true);
      await p.zeebe.publishMessage({ name: 'test-return', correlationKey: d.code, timeToLive: 60_000, variables: { hinhThucTra: 'buu-chinh' } });

      row = await statusIs(d.id, 'RETURNED');
      expect(row.return_method).toBe('post');
      expect(row.returned_at).not.toBeNull();
      expect(row.closed_at).not.toBeNull();
      const events = await p.db('dossier_events').where({ dossier_id: d.id }).orderBy('at').orderBy('id').pluck('type');
      expect(events).toEqual([
        'dossier.transferred',
        'processing.supplement_requested',
        'supplement.received',
        'interagency.sent',
        'interagency.replied',
        'result.delivered_to_desk',
        'result.returned',
      ]);
      const last = await p.db('dossier_notices').where({ dossier_id: d.id }).orderBy('id', 'desc').first();
      expect(last.body).toContain(`/danh-gia/${encodeURIComponent(d.code)}?t=${d.lookup_token}`);
      // the case finished: the end listener closed the clock
      await waitFor(async () => (await p.db('case_deadlines').where({ process_instance_key: key }).first()).finished_at, 'case finished');
    });

    it('the withdrawal event subprocess ends the dossier as WITHDRAWN', async () => {
      const receivedAt = new Date(Date.now() - 86_400_000);
      const d = await insertDossier(p.db, procedureCode, { received_at: receivedAt });
      const key = await start(d, receivedAt);
      await statusIs(d.id, 'SUPPLEMENT_REQUESTED_IN_PROCESSING');
      await p.zeebe.publishMessage({
        name: 'onestop-withdraw',
        correlationKey: d.code,
        messageId: `withdraw-${d.id}`,
        timeToLive: 60_000,
        variables: { lyDo: 'Công dân xin rút hồ sơ' },
      });
      const row = await statusIs(d.id, 'WITHDRAWN');
      expect(row.closed_at).not.toBeNull();
      expect(row.status_reason).toBe('Công dân xin rút hồ sơ');
      const ev = await p.db('dossier_events').where({ dossier_id: d.id, type: 'dossier.withdrawn' });
      expect(ev).toHaveLength(1);
      // the case's end listener is a job like any other: on a loaded machine it may come a few seconds later
      await waitFor(async () => (await p.db('case_deadlines').where({ process_instance_key: key }).first()).finished_at, 'case finished', 45_000);
    });

    it('refuses a second supplement request during processing (SUPPLEMENT_ONCE, Decree 118/2025 Art. 11)', async () => {
      const receivedAt = new Date(Date.now() - 86_400_000);
      const d = await insertDossier(p.db, procedureCode, { received_at: receivedAt });
      // Given the dossier was already asked once, at an earlier step, and the citizen answered.
      await p.db('dossier_supplements').insert({
        dossier_id: d.id,
        element_instance_key: `${Date.now()}1`,
        reason: 'Lần một: thiếu bản sao',
        requested_at: new Date(Date.now() - 3_600_000),
        submitted_at: new Date(Date.now() - 1_800_000),
      });
      const key = await start(d, receivedAt);
      // The process reaches the supplement request again: refused, named, and the instance stops at an incident.
      const incident = await waitFor(
        async () => p.db('hist_incidents').where({ process_instance_key: key, state: 'created' }).first(),
        'the refusal as an incident',
        30_000,
      );
      expect(incident.error_message).toContain('SUPPLEMENT_ONCE');
      expect(incident.error_message).toContain('Chỉ được yêu cầu bổ sung hồ sơ một lần');
      const refused = await p.db('dossier_events').where({ dossier_id: d.id, type: 'processing.supplement_refused' });
      expect(refused).toHaveLength(1);
      expect(refused[0].note).toContain('Nghị định 118/2025/NĐ-CP');
      // Nothing else changed: one request on record, the clock runs, the citizen is not asked again.
      expect(await p.db('dossier_supplements').where({ dossier_id: d.id })).toHaveLength(1);
      expect(await p.db('case_pauses').where({ process_instance_key: key })).toHaveLength(0);
      expect((await dossier(d.id)).status).toBe('IN_PROCESSING');
      const subjects = await p.db('dossier_notices').where({ dossier_id: d.id }).pluck('subject');
      expect(subjects.some((s: string) => s.includes('Yêu cầu bổ sung'))).toBe(false);
    });

    it('a status change with the same dedupe key (a redelivered job) writes once', async () => {
      const d = await insertDossier(p.db, procedureCode);
      const change = { status: 'PENDING_APPROVAL' as const, type: 'result.proposed', actor: 'system', dedupeKey: '123456789' };
      expect((await changeStatus(p.db, d.id, change)).applied).toBe(true);
      expect((await changeStatus(p.db, d.id, change)).applied).toBe(false);
      expect(await p.db('dossier_events').where({ dossier_id: d.id })).toHaveLength(1);
      expect(await p.db('dossier_notices').where({ dossier_id: d.id })).toHaveLength(1);
    });
  });
});
