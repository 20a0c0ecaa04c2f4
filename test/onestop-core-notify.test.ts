import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { startTestPlatform, type TestPlatform } from './helpers/platform.js';
import { body, header } from './helpers/mail.js';
import { createUser, login, waitFor, type Client } from './helpers/fixtures.js';
import { deskBpmn, pdfBytes, procedureEntry } from './helpers/onestop.js';

interface Captured {
  to: string[];
  raw: string;
}

/**
 * Citizen notifications: by e-mail through SMTP when configured and the applicant gave an address,
 * on the lookup page always. smtp-server plays the mail server outside the machine; the rest is real.
 */
describe('one-stop citizen notifications', () => {
  let p: TestPlatform;
  let smtp: SMTPServer;
  const received: Captured[] = [];
  let desk: Client;
  let procedure: Record<string, any>;

  beforeAll(async () => {
    process.env.ONESTOP_NOTICE_MAIL_EVERY_MS = '500';
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          received.push({ to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    const smtpUrl = `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`;
    p = await startTestPlatform({ config: { smtpUrl, smtpFrom: 'Một cửa điện tử <motcua@example.gov.vn>', citizenMailPerDay: 3 } });
    const admin = await login(p.app, await createUser(p.db, { roles: ['admin'] }));
    const designer = await login(p.app, await createUser(p.db, { roles: ['designer'] }));
    desk = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: 'SNNMT-VP' }));
    procedure = procedureEntry();
    expect((await admin.post('/api/onestop/procedures/import', [procedure])).status).toBe(200);
    expect(
      (await designer.post('/api/process-definitions', { resourceName: `${procedure.bpmnProcessId}.bpmn`, xml: deskBpmn(procedure.bpmnProcessId) })).status,
    ).toBe(201);
  });
  afterAll(async () => {
    await p?.close();
    await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
    delete process.env.ONESTOP_NOTICE_MAIL_EVERY_MS;
  });

  const submit = async (email?: string, over: { name?: string; note?: string } = {}) => {
    const fd = new FormData();
    fd.append('procedureCode', procedure.code);
    fd.append('applicantName', over.name ?? 'Trần Thị Bình');
    if (email) fd.append('applicantEmail', email);
    if (over.note) fd.append('note', over.note);
    fd.append('doc:DON', new Blob([new Uint8Array(pdfBytes('don'))]), 'don.pdf');
    fd.append('doc:CCCD', new Blob([new Uint8Array(pdfBytes('cccd'))]), 'cccd.pdf');
    const req = new Request('http://localhost/', { method: 'POST', body: fd });
    const r = await p.app.inject({
      method: 'POST',
      url: '/api/public/dossiers',
      headers: { 'content-type': req.headers.get('content-type')! },
      payload: Buffer.from(await req.arrayBuffer()),
    });
    expect(r.statusCode, r.body).toBe(201);
    return r.json() as { reference: string; lookupToken: string };
  };

  it('each status change reaches the applicant by e-mail (Vietnamese, UTF-8, with the lookup link), once', async () => {
    const email = `binh.${Date.now()}@example.vn`;
    const sub = await submit(email);
    const first = await waitFor(async () => received.find((m) => m.to.includes(email)), 'the submission e-mail', 20_000);
    expect(header(first.raw, 'Subject')).toBe(`Hồ sơ ${sub.reference}: Chờ tiếp nhận`);
    // A fixed template: the code, the status and the links; the name the applicant typed is not in it.
    expect(body(first.raw)).toContain(`Hồ sơ ${sub.reference}: Chờ tiếp nhận.`);
    expect(body(first.raw)).not.toContain('Trần Thị Bình');
    expect(header(first.raw, 'To')).toBe(email);
    expect(body(first.raw)).toContain(`/tra-cuu/${encodeURIComponent(sub.reference)}?t=${sub.lookupToken}`);

    expect(body(first.raw)).toContain(`Mã tra cứu / Tracking reference: ${sub.reference}.`);

    const row = await p.db('dossiers').where({ reference: sub.reference }).first();
    const acc = await desk.post(`/api/onestop/dossiers/${row.id}/accept`, {});
    expect(acc.status).toBe(200);
    // From the receipt on, the dossier is named by its code (given now), the mail saying the reference it replaces.
    const code = acc.body.code as string;
    expect(code).toMatch(/^H99\.12-\d{6}-\d{4}$/);
    // the desk's acceptance (API) and the model's next status (worker) both arrive
    const subjects = () => received.filter((m) => m.to.includes(email)).map((m) => header(m.raw, 'Subject'));
    await waitFor(
      async () => subjects().includes(`Hồ sơ ${code}: Đang xử lý`) && subjects().includes(`Hồ sơ ${code}: Đã tiếp nhận`),
      'accepted and processing e-mails',
      30_000,
    );
    const accepted = received.find((m) => header(m.raw, 'Subject') === `Hồ sơ ${code}: Đã tiếp nhận`)!;
    expect(body(accepted.raw)).toMatch(/Ngày hẹn trả kết quả \/ Appointment: \d{2}:\d{2} \d{2}\/\d{2}\/\d{4}/);
    expect(body(accepted.raw)).toContain(`Mã hồ sơ / Dossier code: ${code} (mã tra cứu khi nộp / tracking reference at submission: ${sub.reference})`);
    expect(body(accepted.raw)).toContain(`/tra-cuu/${encodeURIComponent(code)}?t=${sub.lookupToken}`);
    await new Promise((r) => setTimeout(r, 1500));
    expect(subjects().filter((s) => s === `Hồ sơ ${code}: Đã tiếp nhận`)).toHaveLength(1);
    const notices = await p.db('dossier_notices').where({ dossier_id: row.id });
    expect(notices.every((n) => n.emailed_at !== null)).toBe(true);
    const lookup = await p.app.inject({
      method: 'GET',
      url: `/api/public/dossiers/${encodeURIComponent(sub.reference)}`,
      headers: { 'x-lookup-token': sub.lookupToken },
    });
    expect(lookup.json().holder.notices.map((n: { emailed: boolean }) => n.emailed)).toEqual(notices.map(() => true));
  });

  it('without an address the notices stay in-app: on the lookup page, never e-mailed', async () => {
    const sub = await submit();
    const row = await p.db('dossiers').where({ reference: sub.reference }).first();
    expect((await desk.post(`/api/onestop/dossiers/${row.id}/refuse`, { reason: 'Hồ sơ nộp nhầm thủ tục' })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1500));
    // Other test files share the database (and may have their notices e-mailed meanwhile): none is about this dossier
    expect(received.filter((m) => (header(m.raw, 'Subject') ?? '').includes(sub.reference))).toEqual([]);
    const lookup = await p.app.inject({
      method: 'GET',
      url: `/api/public/dossiers/${encodeURIComponent(sub.reference)}`,
      headers: { 'x-lookup-token': sub.lookupToken },
    });
    const notices = lookup.json().holder.notices as { subject: string; body: string; emailed: boolean }[];
    expect(notices.map((n) => n.subject)).toEqual([`Hồ sơ ${sub.reference}: Chờ tiếp nhận`, `Hồ sơ ${sub.reference}: Từ chối tiếp nhận`]);
    expect(notices[1].body).toContain('Hồ sơ nộp nhầm thủ tục');
    expect(notices.every((n) => !n.emailed)).toBe(true);
  });

  it('a stranger cannot make the agency mail their own text to any address: the mail carries the fixed template only', async () => {
    const victim = `nan.nhan.${Date.now()}@example.vn`;
    const spam = 'KHUYẾN MÃI: chuyển 5 triệu vào tài khoản 123456 tại http://lua-dao.example/nhan-qua để nhận quà';
    const sub = await submit(victim, { name: `Ông A ${spam}`.slice(0, 200), note: `${spam} `.repeat(20) });
    const mail = await waitFor(async () => received.find((m) => m.to.includes(victim)), 'the submission e-mail', 20_000);
    const text = `${mail.raw}\n${body(mail.raw)}\n${header(mail.raw, 'To')}\n${header(mail.raw, 'Subject')}`;
    for (const piece of ['lua-dao.example', 'KHUYẾN MÃI', '123456', 'Ông A']) expect(text).not.toContain(piece);
    expect(header(mail.raw, 'Subject')).toBe(`Hồ sơ ${sub.reference}: Chờ tiếp nhận`);
    expect(body(mail.raw).length).toBeLessThan(900);
    // The citizen's own page still shows the whole notice, note included.
    const lookup = await p.app.inject({
      method: 'GET',
      url: `/api/public/dossiers/${encodeURIComponent(sub.reference)}`,
      headers: { 'x-lookup-token': sub.lookupToken },
    });
    expect(lookup.json().holder.notices[0].body).toContain('lua-dao.example');
  });

  it('one address receives at most CITIZEN_MAIL_PER_DAY mails a day; the notice over the limit stays on the lookup page, unsent', async () => {
    const victim = `gioi.han.${Date.now()}@example.vn`;
    const subs = [];
    // Three submissions (the limit), then one more with the address in capitals: the same address.
    for (const email of [victim, victim, victim, victim.toUpperCase()]) subs.push(await submit(email));
    const mails = () => received.filter((m) => m.to.some((t) => t.toLowerCase() === victim));
    await waitFor(async () => mails().length >= 3, 'three e-mails', 20_000);
    const last = subs[3];
    const row = await waitFor(
      async () => {
        const d = await p.db('dossiers').where({ reference: last.reference }).first('id');
        const n = await p.db('dossier_notices').where({ dossier_id: d.id }).orderBy('id').first();
        return n?.mail_skipped ? n : undefined;
      },
      'the fourth notice to be skipped',
      20_000,
    );
    expect(row.emailed_at).toBeNull();
    await new Promise((r) => setTimeout(r, 1500));
    expect(mails()).toHaveLength(3);
    expect(mails().some((m) => (header(m.raw, 'Subject') ?? '').includes(last.reference))).toBe(false);
    const lookup = await p.app.inject({
      method: 'GET',
      url: `/api/public/dossiers/${encodeURIComponent(last.reference)}`,
      headers: { 'x-lookup-token': last.lookupToken },
    });
    expect(lookup.json().holder.notices).toHaveLength(1);
    expect(lookup.json().holder.notices[0]).toMatchObject({ subject: `Hồ sơ ${last.reference}: Chờ tiếp nhận`, emailed: false });
  });
});
