import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from './helpers/platform.js';
import { createUnit, createUser, login, waitFor, type Client } from './helpers/fixtures.js';
import { deskBpmn, pdfBytes, pdfText, procedureEntry, receiveAtDesk } from './helpers/onestop.js';

/** A multipart body as a browser's FormData would send it. */
async function multipart(fields: Record<string, string>, files: { field: string; name: string; data: Buffer }[]) {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) fd.append(k, v);
  for (const f of files) fd.append(f.field, new Blob([new Uint8Array(f.data)], { type: 'application/pdf' }), f.name);
  const req = new Request('http://localhost/', { method: 'POST', body: fd });
  return { payload: Buffer.from(await req.arrayBuffer()), contentType: req.headers.get('content-type')! };
}

/**
 * Many agencies, one procedure; any desk in the province (issue 17 item 10, NĐ 118/2025 Art. 15: reception
 * regardless of administrative boundary within the province). Two communes of this file, A and B, both
 * offer the same procedure code, each with its desk, its e-ID and its own process (its own units).
 */
describe('one procedure offered by two communes; any desk of the province receives for the competent one', () => {
  let p: TestPlatform;
  let admin: Client;
  let deskA: Client; // officer of commune A's desk
  let deskB: Client; // officer of commune B's desk
  let civilA: Client; // civil-status officer of commune A (not a desk)
  let civilB: Client; // civil-status officer of commune B
  const tag = randomBytes(3).toString('hex').toUpperCase();
  const eidA = `H98.${tag}1`;
  const eidB = `H98.${tag}2`;
  const u = { A: '', deskA: '', vpA: '', B: '', deskB: '', vpB: '' };
  let entry: Record<string, any>;
  const pidA = `mc-thu-xa-a-${tag.toLowerCase()}`;
  const pidB = `mc-thu-xa-b-${tag.toLowerCase()}`;
  const names = {
    A: `Ủy ban nhân dân xã A ${tag}`,
    B: `Ủy ban nhân dân xã B ${tag}`,
    deskA: `Bộ phận một cửa xã A ${tag}`,
    deskB: `Bộ phận một cửa xã B ${tag}`,
  };
  const vnDay = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh' }).format(new Date()).replace(/-/g, '');
  const applicant = { name: 'Trần Thị Bình', idNumber: '001303009876', phone: '0987654321', address: 'Thôn 3, xã B' };
  const documents = [
    { code: 'DON', copies: 1 },
    { code: 'CCCD', copies: 1 },
  ];

  beforeAll(async () => {
    p = await startTestPlatform();
    admin = await login(p.app, await createUser(p.db, { roles: ['admin'] }));
    const designer = await login(p.app, await createUser(p.db, { roles: ['designer'] }));
    u.A = await createUnit(p.db, { name: names.A, parentCode: 'TINH' });
    u.deskA = await createUnit(p.db, { name: names.deskA, parentCode: u.A });
    u.vpA = await createUnit(p.db, { name: `Tư pháp - hộ tịch xã A ${tag}`, parentCode: u.A });
    u.B = await createUnit(p.db, { name: names.B, parentCode: 'TINH' });
    u.deskB = await createUnit(p.db, { name: names.deskB, parentCode: u.B });
    u.vpB = await createUnit(p.db, { name: `Tư pháp - hộ tịch xã B ${tag}`, parentCode: u.B });
    deskA = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: u.deskA, fullName: 'Lê Văn Tiếp' }));
    deskB = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: u.deskB }));
    civilA = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: u.vpA }));
    civilB = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: u.vpB }));
    // Each commune's process names its own units (processing, then the return at its desk).
    for (const [pid, vp, desk] of [
      [pidA, u.vpA, u.deskA],
      [pidB, u.vpB, u.deskB],
    ]) {
      const xml = deskBpmn(pid).replaceAll('SNNMT-QLDD/', `${vp}/`).replaceAll('SNNMT-VP/', `${desk}/`);
      const dep = await designer.post('/api/process-definitions', { resourceName: `${pid}.bpmn`, xml });
      expect(dep.status, JSON.stringify(dep.body)).toBe(201);
    }
    entry = procedureEntry({
      name: `Đăng ký khai sinh (thử ${tag})`,
      field: 'Hộ tịch',
      agencyCode: u.A,
      agencyName: names.A,
      deskUnitCode: u.deskA,
      agencyEid: eidA,
      bpmnProcessId: pidA,
      agencies: [{ agencyCode: u.B, agencyName: names.B, deskUnitCode: u.deskB, agencyEid: eidB, bpmnProcessId: pidB }],
    });
    const r = await admin.post('/api/onestop/procedures/import', [entry]);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
  });
  afterAll(async () => {
    await p?.close();
  });

  it('the catalogue lists both agencies, the entry’s own first; an old entry without agencies offers its own only', async () => {
    const got = (await deskA.get(`/api/onestop/procedures/${entry.code}`)).body;
    expect(got.agencies).toEqual([
      { agencyCode: u.A, agencyName: names.A, deskUnitCode: u.deskA, agencyEid: eidA, bpmnProcessId: null, processVersion: null },
      { agencyCode: u.B, agencyName: names.B, deskUnitCode: u.deskB, agencyEid: eidB, bpmnProcessId: pidB, processVersion: null },
    ]);
    // The same file again changes nothing (the agencies compare equal).
    expect((await admin.post('/api/onestop/procedures/import', [entry])).body).toEqual({ created: [], updated: [], unchanged: [entry.code] });
    // Today's CSV, without an agencies column: one agency, as before.
    const old = procedureEntry({ agencyCode: u.A, agencyName: names.A, deskUnitCode: u.deskA, agencyEid: eidA });
    const cols = [
      'code',
      'name',
      'field',
      'agencyCode',
      'agencyName',
      'deskUnitCode',
      'agencyEid',
      'timeLimitDays',
      'requiredDocuments',
      'result',
      'onlineLevel',
      'bpmnProcessId',
    ];
    const csvCell = (v: unknown) => `"${(typeof v === 'string' ? v : JSON.stringify(v)).replaceAll('"', '""')}"`;
    const csv = `${cols.join(',')}\n${cols.map((c) => csvCell(old[c])).join(',')}\n`;
    const r = await p.app.inject({
      method: 'POST',
      url: '/api/onestop/procedures/import.csv',
      headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'text/csv' },
      payload: csv,
    });
    expect(r.statusCode, r.body).toBe(200);
    expect((await admin.get(`/api/onestop/procedures/${old.code}`)).body.agencies).toEqual([
      { agencyCode: u.A, agencyName: names.A, deskUnitCode: u.deskA, agencyEid: eidA, bpmnProcessId: null, processVersion: null },
    ]);
    // An agencies column (JSON text in its cell) adds B.
    const cols2 = [...cols, 'agencies'];
    const withB = { ...old, agencies: [{ agencyCode: u.B, agencyName: names.B, deskUnitCode: u.deskB, agencyEid: eidB }] };
    const r2 = await p.app.inject({
      method: 'POST',
      url: '/api/onestop/procedures/import.csv',
      headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'text/csv' },
      payload: `${cols2.join(',')}\n${cols2.map((c) => csvCell((withB as Record<string, unknown>)[c])).join(',')}\n`,
    });
    expect(r2.statusCode, r2.body).toBe(200);
    expect(r2.json()).toEqual({ created: [], updated: [old.code], unchanged: [] });
    expect((await admin.get(`/api/onestop/procedures/${old.code}`)).body.agencies.map((a: { agencyCode: string }) => a.agencyCode)).toEqual([u.A, u.B]);
  });

  it('refuses agencies naming no unit, a repeated agency, or the own agency with another desk; nothing is saved', async () => {
    const bad: Record<string, any> = procedureEntry({
      agencyCode: u.A,
      agencyName: names.A,
      deskUnitCode: u.deskA,
      agencyEid: eidA,
      agencies: [
        { agencyCode: 'XA-KHONG-CO', agencyName: 'Xã không có', deskUnitCode: u.deskB, agencyEid: 'H98.9' },
        { agencyCode: u.B, agencyName: names.B, deskUnitCode: u.deskB, agencyEid: eidB },
        { agencyCode: u.B, agencyName: names.B, deskUnitCode: u.deskB, agencyEid: eidB },
        { agencyCode: u.A, agencyName: names.A, deskUnitCode: u.deskB, agencyEid: eidA },
      ],
    });
    const r = await admin.post('/api/onestop/procedures/import', [bad]);
    expect(r.status).toBe(400);
    expect(r.body.rows[0].problems.map((x: { code: string; params: Record<string, unknown> }) => [x.code, x.params])).toEqual([
      ['CATALOGUE_AGENCY_DUPLICATE', { agency: u.B }],
      ['CATALOGUE_AGENCY_PRIMARY', { agency: u.A }],
    ]);
    const unknown = await admin.post('/api/onestop/procedures/import', [{ ...bad, agencies: [bad.agencies[0]] }]);
    expect(unknown.status).toBe(400);
    expect(unknown.body.rows[0].problems).toEqual([
      expect.objectContaining({ code: 'CATALOGUE_UNKNOWN_UNIT', params: { field: 'agencies[0].agencyCode', unit: 'XA-KHONG-CO' } }),
    ]);
    expect(await p.db('onestop_procedures').where({ code: bad.code }).first()).toBeUndefined();
  });

  it('the citizen sees the communes offering the procedure, each with its desk', async () => {
    const r = await p.app.inject({ method: 'GET', url: '/api/public/procedures' });
    const item = r.json().items.find((x: { code: string }) => x.code === entry.code);
    expect(item.agencies).toEqual([
      { agencyCode: u.A, agencyName: names.A, deskUnitName: names.deskA },
      { agencyCode: u.B, agencyName: names.B, deskUnitName: names.deskB },
    ]);
  });

  let received: { id: string; code: string };

  it("commune A's desk receives a dossier for commune B: B's e-ID, B's agency and desk, A recorded as the receiving desk", async () => {
    // The paper dossier with its scans (a scan per document handed in), as every in-person receipt.
    const r = await receiveAtDesk(p.app, deskA, { procedureCode: entry.code, agencyCode: u.B, applicant, documents });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    // The first dossier of B's e-ID today: <eidB>-<yymmdd>-0001.
    expect(r.body.code).toBe(`${eidB}-${vnDay.slice(2)}-0001`);
    expect(r.body).toMatchObject({
      agencyCode: u.B,
      agencyName: names.B,
      deskUnitCode: u.deskB,
      receivedDeskCode: u.deskA,
      receivedDeskName: names.deskA,
      receivedBy: deskA.user.username,
      status: 'RECEIVED',
    });
    expect(r.body.actions.slip).toBe(true);
    received = { id: r.body.id, code: r.body.code };
    const row = await waitFor(
      async () => {
        const d = await p.db('dossiers').where({ id: received.id }).first();
        return d?.process_instance_key ? d : undefined;
      },
      'process started',
      30_000,
    );
    // B's own process (B's units) was started, not A's.
    expect(row.bpmn_process_id).toBe(pidB);
  });

  it("the processing step is in B's civil-status officer's inbox, not in A's", async () => {
    const row = await p.db('dossiers').where({ id: received.id }).first();
    const key = String(row.process_instance_key);
    const inB = await waitFor(
      async () =>
        ((await civilB.get('/api/tasks?scope=available&limit=200')).body.items as { processInstanceKey: string; name: string }[]).find(
          (t) => t.processInstanceKey === key,
        ),
      "the step in B's inbox",
      30_000,
    );
    expect(inB.name).toBe('Thẩm định hồ sơ');
    const task = await p.db('inbox_tasks').where({ process_instance_key: key, status: 'open' }).first('candidate_groups');
    expect(task.candidate_groups).toEqual([`${u.vpB}/officer`]);
    const inA = (await civilA.get('/api/tasks?scope=available&limit=200')).body.items as { processInstanceKey: string }[];
    expect(inA.filter((t) => t.processInstanceKey === key)).toEqual([]);
  });

  it("A's desk finds it in its received list and prints the slip, form 06 and register naming both; B's desk sees it but did not receive it", async () => {
    const mine = (await deskA.get('/api/onestop/dossiers?received=true&limit=200')).body.items.map((d: { code: string }) => d.code);
    expect(mine).toContain(received.code);
    const bReceived = (await deskB.get('/api/onestop/dossiers?received=true&limit=200')).body.items.map((d: { code: string }) => d.code);
    expect(bReceived).not.toContain(received.code);
    // The competent agency's desk sees it (it returns the result); its slip was printed at A.
    const atB = await deskB.get(`/api/onestop/dossiers/${received.id}`);
    expect(atB.status).toBe(200);
    expect(atB.body.actions.slip).toBe(false);
    // A's civil-status office neither received it nor resolves it.
    expect((await civilA.get(`/api/onestop/dossiers/${received.id}`)).status).toBe(403);

    const get = (who: Client, url: string) => p.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${who.token}` } });
    const slip = await get(deskA, `/api/onestop/dossiers/${received.id}/slip.pdf`);
    expect(slip.statusCode).toBe(200);
    const slipText = (await pdfText(slip.rawPayload)).replace(/\s+/g, ' ');
    expect(slipText).toContain(`Bộ phận tiếp nhận và trả kết quả ${names.deskA} tiếp nhận hồ sơ của:`);
    expect(slipText).toContain(`Cơ quan giải quyết: ${names.B} (tiếp nhận không phụ thuộc địa giới hành chính)`);
    expect(slipText).toContain(`Mã hồ sơ: ${received.code}`);
    expect((await get(deskB, `/api/onestop/dossiers/${received.id}/slip.pdf`)).statusCode).toBe(403);

    const f06 = await get(deskA, `/api/onestop/dossiers/${received.id}/forms/06`);
    expect(f06.statusCode).toBe(200);
    const f06Text = (await pdfText(f06.rawPayload)).replace(/\s+/g, ' ');
    expect(f06Text).toContain(`Cơ quan (bộ phận) giải quyết: ${names.B}`);
    expect(f06Text).toContain(`Nơi tiếp nhận hồ sơ: ${names.deskA} (không phụ thuộc địa giới hành chính)`);

    const day = `${vnDay.slice(0, 4)}-${vnDay.slice(4, 6)}-${vnDay.slice(6)}`;
    const reg = await get(deskA, `/api/onestop/register?unit=${u.deskA}&from=${day}&to=${day}`);
    expect(reg.statusCode).toBe(200);
    const regText = (await pdfText(reg.rawPayload)).replace(/\s+/g, ' ');
    expect(regText).toContain(received.code);
    // "Nhận hồ sơ": the time and, received for another agency, where (the cell wraps in the PDF).
    expect(regText).toContain(`tại ${names.deskA}`);
  });

  it("A's desk hands the paper over to B once; B's desk cannot (it receives the paper)", async () => {
    const before = await deskA.get(`/api/onestop/dossiers/${received.id}`);
    expect(before.body.actions.handOverPaper).toBe(true);
    expect((await deskB.post(`/api/onestop/dossiers/${received.id}/paper-handover`, {})).body).toMatchObject({
      code: 'NOT_DESK_OFFICER',
      params: { desk: u.deskA },
    });
    const r = await deskA.post(`/api/onestop/dossiers/${received.id}/paper-handover`, { note: 'Gửi qua bưu chính công ích' });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.actions.handOverPaper).toBe(false);
    expect(r.body.events.find((e: { type: string }) => e.type === 'paper.handed_over')).toMatchObject({
      actor: deskA.user.username,
      note: `Chuyển hồ sơ giấy từ ${names.deskA} đến ${names.deskB}. Gửi qua bưu chính công ích`,
    });
    const again = await deskA.post(`/api/onestop/dossiers/${received.id}/paper-handover`, {});
    expect(again).toMatchObject({ status: 409, body: { code: 'PAPER_ALREADY_HANDED_OVER' } });
  });

  it('an officer outside any desk is refused, naming the competent desk; an unknown agency is refused', async () => {
    const r = await civilA.post('/api/onestop/dossiers', { procedureCode: entry.code, agencyCode: u.B, applicant, documents });
    expect(r.status).toBe(403);
    expect(r.body).toMatchObject({ code: 'NOT_DESK_OFFICER', params: { desk: u.deskB } });
    const none = await deskA.post('/api/onestop/dossiers', { procedureCode: entry.code, agencyCode: u.vpB, applicant, documents });
    expect(none.status).toBe(400);
    expect(none.body).toMatchObject({ code: 'AGENCY_NOT_OFFERING', params: { agency: u.vpB, code: entry.code } });
  });

  it("a desk of another province does not receive for the province's communes", async () => {
    const other = await createUnit(p.db, { name: `Tỉnh khác ${tag}` });
    const otherDesk = await createUnit(p.db, { name: `Bộ phận một cửa tỉnh khác ${tag}`, parentCode: other });
    // It is a desk: a procedure of its own names it.
    const own = procedureEntry({ agencyCode: other, agencyName: 'Tỉnh khác', deskUnitCode: otherDesk, agencyEid: `H97.${tag}` });
    expect((await admin.post('/api/onestop/procedures/import', [own])).status).toBe(200);
    const officer = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: otherDesk }));
    const r = await officer.post('/api/onestop/dossiers', { procedureCode: entry.code, agencyCode: u.B, applicant, documents });
    expect(r.status).toBe(403);
    expect(r.body).toMatchObject({ code: 'DESK_OTHER_PROVINCE', params: { desk: otherDesk } });
  });

  it("online, the citizen picks commune B: B's desk queue, B's code at receipt, B's process on acceptance", async () => {
    const { payload, contentType } = await multipart(
      { procedureCode: entry.code, agencyCode: u.B, applicantName: 'Phạm Văn Cường', applicantEmail: 'cuong@example.vn' },
      [
        { field: 'doc:DON', name: 'don.pdf', data: pdfBytes('don') },
        { field: 'doc:CCCD', name: 'cccd.pdf', data: pdfBytes('cccd') },
      ],
    );
    const r = await p.app.inject({ method: 'POST', url: '/api/public/dossiers', headers: { 'content-type': contentType }, payload });
    expect(r.statusCode, r.body).toBe(201);
    // A tracking reference until the desk receives it (TT 03/2025: the code at receipt).
    expect(r.json().code).toBeNull();
    const reference = r.json().reference as string;
    const row = await p.db('dossiers').where({ reference }).first();
    expect({ agency: row.agency_code, desk: row.desk_unit_code, received: row.received_desk_code }).toEqual({ agency: u.B, desk: u.deskB, received: null });
    // The lookup names commune B.
    const look = await p.app.inject({ method: 'GET', url: `/api/public/dossiers/${reference}` });
    expect(look.json()).toMatchObject({ agencyName: names.B, deskUnitName: names.deskB });
    // B's desk has it in its queue; A's desk does not.
    const queueOf = async (who: Client) =>
      (await who.get('/api/onestop/dossiers?queue=true&limit=200')).body.items.map((d: { reference: string }) => d.reference);
    expect(await queueOf(deskB)).toContain(reference);
    expect(await queueOf(deskA)).not.toContain(reference);
    const acc = await deskB.post(`/api/onestop/dossiers/${row.id}/accept`, {});
    expect(acc.status, JSON.stringify(acc.body)).toBe(200);
    expect(acc.body).toMatchObject({ receivedDeskCode: u.deskB, agencyCode: u.B });
    // Coded at receipt with B's e-ID and the day of receipt.
    const code = acc.body.code as string;
    expect(code.startsWith(`${eidB}-${vnDay.slice(2)}-`)).toBe(true);
    const started = await waitFor(
      async () => {
        const d = await p.db('dossiers').where({ code }).first();
        return d?.process_instance_key ? d : undefined;
      },
      'process started',
      30_000,
    );
    expect(started.bpmn_process_id).toBe(pidB);
    // A commune not offering it: refused, nothing stored.
    const { payload: p2, contentType: c2 } = await multipart({ procedureCode: entry.code, agencyCode: 'SNNMT', applicantName: 'Phạm Văn Cường' }, [
      { field: 'doc:DON', name: 'don.pdf', data: pdfBytes('don') },
      { field: 'doc:CCCD', name: 'cccd.pdf', data: pdfBytes('cccd') },
    ]);
    const bad = await p.app.inject({ method: 'POST', url: '/api/public/dossiers', headers: { 'content-type': c2 }, payload: p2 });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'AGENCY_NOT_OFFERING', params: { agency: 'SNNMT', code: entry.code } });
  });
});
