import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestPlatform, type TestPlatform } from './helpers/platform.js';
import { createUser, login, type TestUser } from './helpers/fixtures.js';
import { deskBpmn, pdfBytes, procedureEntry } from './helpers/onestop.js';
import { submitOnline } from '../domain/onestop/citizen.js';
import { acceptSubmission, namedChecklist, refuseReceipt } from '../domain/onestop/reception.js';
import { findProcedure, type ProcedureRow } from '../domain/onestop/catalogue.js';
import { receiveUpload } from '../lib/file-store.js';
import { Readable } from 'node:stream';
import type { CurrentUser } from '../api/schemas/auth.js';

/**
 * Codes at receipt (TT 03/2025/TT-VPCP Art. 13: "YYMMDD là ngày tiếp nhận hồ sơ", the sequence numbers
 * the dossiers received that day). The clock of this process is set to known instants (Date only); the
 * procedure has its own agency e-ID so its daily counters are this file's alone.
 *
 * Day D = Tuesday 15/12/2026, D+1 = Wednesday 16/12/2026 (both working days; Vietnam time, UTC+7).
 */
describe('dossier code at receipt, not at submission', () => {
  let p: TestPlatform;
  let deskUser: TestUser;
  let officer: CurrentUser;
  let procedure: ProcedureRow;
  const eid = `H99.R${randomBytes(2).toString('hex').toUpperCase()}`;

  beforeAll(async () => {
    p = await startTestPlatform();
    const admin = await login(p.app, await createUser(p.db, { roles: ['admin'] }));
    const designer = await login(p.app, await createUser(p.db, { roles: ['designer'] }));
    deskUser = await createUser(p.db, { roles: ['officer'], unitCode: 'SNNMT-VP', fullName: 'Lê Thị Tiếp Nhận' });
    const unit = await p.db('org_units').where({ code: 'SNNMT-VP' }).first('id', 'code', 'name');
    officer = {
      id: deskUser.id,
      username: deskUser.username,
      fullName: 'Lê Thị Tiếp Nhận',
      roles: ['officer'],
      unit: { id: Number(unit.id), code: unit.code, name: unit.name },
    };
    const entry = procedureEntry({ agencyEid: eid });
    expect((await admin.post('/api/onestop/procedures/import', [entry])).status).toBe(200);
    const dep = await designer.post('/api/process-definitions', { resourceName: `${entry.bpmnProcessId}.bpmn`, xml: deskBpmn(String(entry.bpmnProcessId)) });
    expect(dep.status, JSON.stringify(dep.body)).toBe(201);
    procedure = (await findProcedure(p.db, String(entry.code)))!;
  });
  afterEach(() => {
    vi.useRealTimers();
  });
  afterAll(async () => {
    await p?.close();
  });

  const filesRoot = () => path.join(p.config.dataDir, 'files');
  const upload = (marker: string) => receiveUpload(Readable.from([pdfBytes(marker)]), filesRoot(), 1_000_000);
  const submit = async (name: string) =>
    submitOnline(p.db, {
      clientIp: `198.51.100.${Math.floor(Math.random() * 200) + 1}`,
      perDay: 1000,
      procedure,
      applicant: { name },
      filesRoot: filesRoot(),
      files: [
        { requirementCode: 'DON', fileName: 'don.pdf', mime: 'application/pdf', upload: await upload(`don ${name}`) },
        { requirementCode: 'CCCD', fileName: 'cccd.pdf', mime: 'application/pdf', upload: await upload(`cccd ${name}`) },
      ],
      note: null,
    });
  const counters = () => p.db('dossier_code_counters').where({ agency_eid: eid }).orderBy('day').select(p.db.raw('day::text AS day'), 'last_seq');

  it('two submissions on D (one refused on D), the other accepted on D+1: its code has D+1 and number 0001; the refused one used no number', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-12-15T09:00:00+07:00'));
    const a = await submit('Nguyễn Văn An');
    vi.setSystemTime(new Date('2026-12-15T09:20:00+07:00'));
    const b = await submit('Trần Thị Bình');
    // No code at submission: a reference only.
    expect(a.code).toBeNull();
    expect(b.code).toBeNull();
    expect(a.reference).toMatch(/^TN-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
    expect(a.reference).not.toBe(b.reference);

    vi.setSystemTime(new Date('2026-12-15T10:00:00+07:00'));
    const refused = await refuseReceipt(p.db, { dossierId: a.id, actor: deskUser.username, reason: 'Thủ tục không thuộc thẩm quyền' });
    expect(refused).toMatchObject({ status: 'RECEIPT_REFUSED', code: null });

    vi.setSystemTime(new Date('2026-12-16T08:30:00+07:00'));
    const { dossier } = await acceptSubmission(p.db, {
      dossierId: b.id,
      procedure,
      officer,
      checklist: namedChecklist(procedure, [
        { code: 'DON', copies: 1 },
        { code: 'CCCD', copies: 1 },
      ]),
      note: null,
    });
    vi.useRealTimers();

    expect(dossier.code).toBe(`${eid}-261216-0001`);
    expect(dossier.reference).toBe(b.reference);
    expect(dossier.received_at!.toISOString()).toBe('2026-12-16T01:30:00.000Z');
    // Only D+1 has a counter, at 1: neither the submissions nor the refusal of D took a number.
    expect(await counters()).toEqual([{ day: '2026-12-16', last_seq: 1 }]);
    expect(await p.db('dossiers').where({ id: a.id }).first('code', 'status')).toEqual({ code: null, status: 'RECEIPT_REFUSED' });

    // The citizen finds the accepted dossier by its reference and by its code; the refused one by its reference.
    for (const name of [b.reference, `${eid}-261216-0001`]) {
      const r = await p.app.inject({ method: 'GET', url: `/api/public/dossiers/${encodeURIComponent(name)}`, headers: { 'x-lookup-token': b.lookup_token } });
      expect(r.statusCode, r.body).toBe(200);
      expect(r.json()).toMatchObject({ code: `${eid}-261216-0001`, reference: b.reference, receivedAt: '2026-12-16T01:30:00.000Z' });
    }
    const ra = await p.app.inject({ method: 'GET', url: `/api/public/dossiers/${encodeURIComponent(a.reference)}` });
    expect(ra.json()).toMatchObject({ code: null, reference: a.reference, status: 'RECEIPT_REFUSED' });
  });

  it('the second receipt of D+1 takes 0002', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-12-16T09:00:00+07:00'));
    const c = await submit('Lê Văn Cường');
    vi.setSystemTime(new Date('2026-12-16T14:59:00+07:00'));
    const { dossier } = await acceptSubmission(p.db, {
      dossierId: c.id,
      procedure,
      officer,
      checklist: namedChecklist(procedure, [
        { code: 'DON', copies: 1 },
        { code: 'CCCD', copies: 1 },
      ]),
      note: null,
    });
    vi.useRealTimers();
    expect(dossier.code).toBe(`${eid}-261216-0002`);
    expect(await counters()).toEqual([{ day: '2026-12-16', last_seq: 2 }]);
  });
});
