import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { startTestPlatform, type TestPlatform } from './helpers/platform.js';
import { createUser, login, type Client } from './helpers/fixtures.js';
import { deskBpmn, pdfBytes, procedureEntry } from './helpers/onestop.js';
import { isEmail, MAX_JSON_STRING } from '../lib/limits.js';
import { purgeRefusedSubmissionFiles } from '../domain/onestop/public-guard.js';

/**
 * "Every input is hostile": every free-text field of every public route receives 1 MB (a URL or a
 * header cannot: Node refuses more than 16 KB of them, so path parameters, query strings and the
 * lookup key get 8,000 characters); each answer is a 4xx with a Vietnamese message within 200 ms,
 * another request is answered meanwhile (both measured), and nothing is stored. Then the other
 * defences of the public side: fields over their length are refused (never cut), the QR lookup page
 * masks the name in its notices, the daily quota per address, the purge of refused submissions'
 * files, TRUST_PROXY and the redaction of keys and tickets from the request log.
 */

const MB = 1024 * 1024;
/** A JSON body just under the 1 MB body limit, so the string itself is what is judged. */
const JSON_MB = MB - 2048;
const VIETNAMESE = /[àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ]/i;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A multipart body as a browser's FormData sends it. */
async function multipart(fields: Record<string, string>, files: { field: string; name: string; data: Buffer }[] = []) {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) fd.append(k, v);
  for (const f of files) fd.append(f.field, new Blob([new Uint8Array(f.data)], { type: 'application/pdf' }), f.name);
  const req = new Request('http://localhost/', { method: 'POST', body: fd });
  return { body: Buffer.from(await req.arrayBuffer()), contentType: req.headers.get('content-type')! };
}

interface Timed {
  status: number;
  body: any;
  ms: number;
}

describe('hostile input on the public routes', () => {
  let p: TestPlatform;
  let desk: Client;
  let admin: Client;
  let procedure: Record<string, any>;
  let base: { reference: string; lookupToken: string };
  const tag = randomBytes(4).toString('hex');
  const timings: { attack: string; status: number; ms: number; probeMs: number }[] = [];
  const saved = { lookups: process.env.ONESTOP_PUBLIC_LOOKUPS_PER_MIN, quota: process.env.ONESTOP_SUBMISSIONS_PER_DAY };

  beforeAll(async () => {
    // Many attacks from one address: the per-minute limits would answer 429 before the routes are reached.
    process.env.ONESTOP_PUBLIC_LOOKUPS_PER_MIN = '100000';
    process.env.ONESTOP_SUBMISSIONS_PER_DAY = '3';
    p = await startTestPlatform();
    admin = await login(p.app, await createUser(p.db, { roles: ['admin'] }));
    const designer = await login(p.app, await createUser(p.db, { roles: ['designer'] }));
    desk = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: 'SNNMT-VP' }));
    procedure = procedureEntry({
      requiredDocuments: [
        { code: 'DON', name: 'Đơn đề nghị', copies: 1, mandatory: true },
        { code: 'KHAC', name: 'Giấy tờ khác', copies: 1, mandatory: false },
      ],
    });
    expect((await admin.post('/api/onestop/procedures/import', [procedure])).status).toBe(200);
    const dep = await designer.post('/api/process-definitions', { resourceName: `${procedure.bpmnProcessId}.bpmn`, xml: deskBpmn(procedure.bpmnProcessId) });
    expect(dep.status, JSON.stringify(dep.body)).toBe(201);
    const ok = await submit(validFields(), [{ field: 'doc:DON', name: 'don.pdf', data: pdfBytes(`base-${tag}`) }]);
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    base = ok.body;
  });
  afterAll(async () => {
    await p?.close();
    for (const [k, v] of [
      ['ONESTOP_PUBLIC_LOOKUPS_PER_MIN', saved.lookups],
      ['ONESTOP_SUBMISSIONS_PER_DAY', saved.quota],
    ] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    if (timings.length)
      console.log(
        `[hostile-public] 1 MB attacks (ms: answer / probe answered meanwhile)\n${timings.map((t) => `  ${t.attack.padEnd(58)} ${t.status}  ${String(t.ms).padStart(4)} / ${String(t.probeMs).padStart(4)}`).join('\n')}`,
      );
  });

  const validFields = (): Record<string, string> => ({
    procedureCode: procedure.code,
    applicantName: 'Nguyễn Văn An',
    applicantEmail: 'an@example.vn',
    applicantPhone: '0912345678',
    applicantIdNumber: '001203004567',
    applicantAddress: '12 Lê Lợi',
    note: 'ghi chú',
  });
  const submit = async (fields: Record<string, string>, files: { field: string; name: string; data: Buffer }[], remoteAddress = '127.0.0.1') => {
    const mp = await multipart(fields, files);
    const r = await p.app.inject({ method: 'POST', url: '/api/public/dossiers', headers: { 'content-type': mp.contentType }, payload: mp.body, remoteAddress });
    return { status: r.statusCode, body: r.json() };
  };

  /** Everything an attack could have written (scoped to this file's procedure and marker), and leftover temporary files. */
  const snapshot = async () => {
    const ours = p.db('dossiers').where({ procedure_code: procedure.code }).select('id');
    const count = async (q: any) => Number((await q.count({ n: '*' }).first()).n);
    const tmp = path.join(p.config.dataDir, 'files', 'tmp');
    return {
      dossiers: await count(p.db('dossiers').where({ procedure_code: procedure.code })),
      documents: await count(p.db('dossier_documents').whereIn('dossier_id', ours)),
      events: await count(p.db('dossier_events').whereIn('dossier_id', ours)),
      notices: await count(p.db('dossier_notices').whereIn('dossier_id', ours)),
      supplements: await count(p.db('dossier_supplements').whereIn('dossier_id', ours)),
      evaluations: await count(p.db('dossier_evaluations').whereIn('dossier_id', ours)),
      complaints: await count(
        p
          .db('iso_complaints')
          .where((q: any) => q.where('title', 'like', `%${tag}%`).orWhere('content', 'like', `%${tag}%`).orWhere('submitter', 'like', `%${tag}%`)),
      ),
      quota: Number(
        (await p.db('public_submission_quota').where('client_ip', '127.0.0.1').orWhere('client_ip', 'like', '198.51.100.%').sum({ n: 'submissions' }).first())!
          .n ?? 0,
      ),
      tmpFiles: existsSync(tmp) ? readdirSync(tmp).length : 0,
      status: (await p.db('dossiers').where({ reference: base.reference }).first('status')).status,
    };
  };

  const timed = async (url: string, init: RequestInit = {}): Promise<Timed> => {
    const t0 = performance.now();
    const r = await fetch(p.url + url, init);
    const text = await r.text();
    const ms = Math.round(performance.now() - t0);
    let body: any = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON
    }
    return { status: r.status, body, ms };
  };

  /**
   * Sends the attack over a real socket and, 5 ms later, a lookup of the procedures; both answers are
   * timed. The attack must be a 4xx with a Vietnamese message (and the given words) within 200 ms, the
   * other request answered 200 within 200 ms while the attack is handled.
   */
  const attack = async (name: string, url: string, init: RequestInit, expected: { status?: number | number[]; mentions?: string } = {}) => {
    // The machine is shared (2 cores, load average up to ~18 while this was written): a slow answer is
    // tried again, up to 5 times in all; every answer is checked, the fastest is kept and must be in time.
    let best: { a: Timed; probe: Timed } | undefined;
    for (let attempt = 0; attempt < 5; attempt++) {
      const [a, probe] = await Promise.all([timed(url, init), sleep(5).then(() => timed('/api/public/procedures'))]);
      expect(a.status, `${name}: ${JSON.stringify(a.body).slice(0, 300)}`).toBeGreaterThanOrEqual(400);
      expect(a.status, name).toBeLessThan(500);
      if (expected.status !== undefined) expect([expected.status].flat(), `${name}: ${JSON.stringify(a.body).slice(0, 300)}`).toContain(a.status);
      expect(typeof a.body === 'object' && a.body ? a.body.message : a.body, name).toMatch(VIETNAMESE);
      if (expected.mentions) expect(a.body.message, name).toContain(expected.mentions);
      expect(probe.status, `${name}: the other request`).toBe(200);
      if (!best || Math.max(a.ms, probe.ms) < Math.max(best.a.ms, best.probe.ms)) best = { a, probe };
      if (a.ms < 200 && probe.ms < 200) break;
    }
    const { a, probe } = best!;
    timings.push({ attack: name, status: a.status, ms: a.ms, probeMs: probe.ms });
    expect(a.ms, `${name}: answered in ${a.ms} ms`).toBeLessThan(200);
    expect(probe.ms, `${name}: the other request answered in ${probe.ms} ms`).toBeLessThan(200);
    return a;
  };

  const json = (method: string, body: unknown, headers: Record<string, string> = {}): RequestInit => ({
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const form = async (
    fields: Record<string, string>,
    files: { field: string; name: string; data: Buffer }[] = [],
    headers: Record<string, string> = {},
  ): Promise<RequestInit> => {
    const mp = await multipart(fields, files);
    return { method: 'POST', headers: { 'content-type': mp.contentType, ...headers }, body: mp.body };
  };

  it('the e-mail check is linear: the 1 MB "a@" + dots + "@" attack is judged in milliseconds', () => {
    const evil = 'a@' + '.'.repeat(MB - 3) + '@';
    expect(evil.length).toBe(MB);
    const t0 = performance.now();
    expect(isEmail(evil)).toBe(false);
    // The length is checked first; the pattern itself is linear too (it fails at once without the length check).
    expect(isEmail('a@' + '.'.repeat(200) + '@')).toBe(false);
    // A valid address at the 254-character limit is still judged at once; 250 dots there are no domain.
    const nearLimit = 'a@' + 'b.'.repeat(125) + 'vn';
    expect(nearLimit.length).toBe(254);
    expect(isEmail(nearLimit)).toBe(true);
    expect(isEmail('a@' + '.'.repeat(250) + 'x')).toBe(false);
    expect(performance.now() - t0).toBeLessThan(50);
    for (const good of ['an@example.vn', 'a.b+c@sub.example.gov.vn']) expect(isEmail(good)).toBe(true);
    for (const bad of ['an@example', 'an@.vn', 'an example@x.vn', 'a@b@c.vn', '@x.vn', 'a@x.']) expect(isEmail(bad)).toBe(false);
  });

  it('submission: every text field at 1 MB (and the e-mail attack) is refused with 413 naming the field, fast, the platform answering meanwhile; nothing stored', async () => {
    const before = await snapshot();
    const files = [{ field: 'doc:DON', name: 'don.pdf', data: pdfBytes(`attack-${tag}`) }];
    const fields = [...Object.keys(validFields()), 'unknownField'];
    for (const field of fields) {
      await attack(`POST /api/public/dossiers ${field}=1MB`, '/api/public/dossiers', await form({ ...validFields(), [field]: 'a'.repeat(MB) }, files), {
        status: 413,
        mentions: field,
      });
    }
    const evil = 'a@' + '.'.repeat(MB - 3) + '@';
    await attack(
      'POST /api/public/dossiers applicantEmail="a@"+"."*n+"@" (1 MB)',
      '/api/public/dossiers',
      await form({ ...validFields(), applicantEmail: evil }, files),
      { status: 413, mentions: 'applicantEmail' },
    );
    // Under the field cap the pattern is reached: 8,000 characters of the attack, refused at once.
    await attack(
      'POST /api/public/dossiers applicantEmail attack, 8,000 chars',
      '/api/public/dossiers',
      await form({ ...validFields(), applicantEmail: 'a@' + '.'.repeat(7997) + '@' }, files),
      { status: 400, mentions: 'applicantEmail' },
    );
    // A field name of 1 MB: busboy drops a part whose headers exceed its limit (the rest of the form is
    // read); here the form then lacks its mandatory document, so it is refused, quickly, nothing stored.
    await attack('POST /api/public/dossiers field name of 1 MB', '/api/public/dossiers', await form({ ...validFields(), ['x'.repeat(MB)]: 'v' }), {
      status: [400, 413],
    });
    expect(await snapshot()).toEqual(before);
  });

  it('supplement and withdrawal: the note, the reason and the lookup key at their largest are refused; nothing changes', async () => {
    const before = await snapshot();
    const key = { 'x-lookup-token': base.lookupToken };
    const url = `/api/public/dossiers/${encodeURIComponent(base.reference)}`;
    await attack('POST supplement note=1MB', `${url}/supplement`, await form({ note: 'a'.repeat(MB) }, [], key), { status: 413, mentions: 'note' });
    await attack('POST supplement other field=1MB', `${url}/supplement`, await form({ note: 'x', other: 'a'.repeat(MB) }, [], key), {
      status: 413,
      mentions: 'other',
    });
    await attack('POST withdraw reason=1MB (JSON)', `${url}/withdraw`, json('POST', { reason: 'a'.repeat(JSON_MB) }, key), { status: 413, mentions: 'reason' });
    await attack('POST withdraw, body over 1 MB', `${url}/withdraw`, json('POST', { reason: 'a'.repeat(MB + 10) }, key), { status: 413 });
    await attack('POST withdraw x-lookup-token of 8,000 chars', `${url}/withdraw`, json('POST', { reason: 'lý do' }, { 'x-lookup-token': 'k'.repeat(8000) }), {
      status: 404,
    });
    expect(await snapshot()).toEqual(before);
  });

  it('evaluation and complaints: every string at 1 MB is refused with 413 naming it; nothing stored', async () => {
    const before = await snapshot();
    const evalBody = { token: base.lookupToken, overall: 5, receipt: 5, processing: 5, returnStage: 5, officers: [{ key: 'k', score: 5 }], comment: 'tốt' };
    const evalUrl = `/api/public/evaluations/${encodeURIComponent(base.reference)}`;
    await attack('POST evaluation comment=1MB', evalUrl, json('POST', { ...evalBody, comment: 'a'.repeat(JSON_MB) }), { status: 413, mentions: 'comment' });
    await attack('POST evaluation token=1MB', evalUrl, json('POST', { ...evalBody, token: 'a'.repeat(JSON_MB) }), { status: 413, mentions: 'token' });
    await attack('POST evaluation officers[0].key=1MB', evalUrl, json('POST', { ...evalBody, officers: [{ key: 'a'.repeat(JSON_MB), score: 5 }] }), {
      status: 413,
      mentions: 'officers[0].key',
    });
    await attack('POST evaluation unknown key of 1 MB', evalUrl, json('POST', { ...evalBody, ['k'.repeat(JSON_MB)]: 1 }), { status: 413 });
    const complaint = {
      kind: 'phan-anh',
      title: `Tiêu đề ${tag}`,
      content: `Nội dung phản ánh ${tag}`,
      name: `Người gửi ${tag}`,
      contact: '0912345678',
      dossierCode: base.reference,
    };
    for (const field of ['title', 'content', 'name', 'contact', 'dossierCode', 'kind']) {
      await attack(`POST complaints ${field}=1MB`, '/api/public/complaints', json('POST', { ...complaint, [field]: 'a'.repeat(JSON_MB) }), {
        status: 413,
        mentions: field,
      });
    }
    // Under the cap, the schema's own limits answer (400, the field named).
    await attack('POST complaints content=6,000 chars', '/api/public/complaints', json('POST', { ...complaint, content: 'a'.repeat(6000) }), {
      status: 400,
      mentions: 'content',
    });
    expect(await snapshot()).toEqual(before);
  });

  it('lookups: codes, keys and dates at the largest a URL or header may carry (8,000 characters) are refused at once', async () => {
    const before = await snapshot();
    const long = 'A'.repeat(8000);
    await attack('GET dossier by a code of 8,000 chars', `/api/public/dossiers/${long}`, {}, { status: [400, 404, 414] });
    await attack(
      'GET dossier with an x-lookup-token of 8,000 chars',
      `/api/public/dossiers/${encodeURIComponent(base.reference)}`,
      { headers: { 'x-lookup-token': long } },
      { status: 404 },
    );
    await attack(
      'GET complaint by a code of 8,000 chars',
      `/api/public/complaints/${long}`,
      { headers: { 'x-lookup-token': long } },
      { status: [400, 404, 414] },
    );
    await attack('GET evaluation form ?t= of 8,000 chars', `/api/public/evaluations/${encodeURIComponent(base.reference)}?t=${long}`, {}, { status: 400 });
    await attack('GET apology ?t= of 8,000 chars', `/api/public/apologies/${encodeURIComponent(base.reference)}/pdf?t=${long}`, {}, { status: 400 });
    await attack('GET evaluation results ?from= of 8,000 chars', `/api/public/evaluation-results?from=${'2'.repeat(8000)}`, {}, { status: 400 });
    await attack('GET dossier by a code with 8,000 dots', `/api/public/dossiers/${'.'.repeat(8000)}`, {}, { status: [400, 404, 414] });
    expect(await snapshot()).toEqual(before);
  });

  it('any JSON body, staff routes included: a string over 100,000 characters is refused before the route (413, field named); the process is not started', async () => {
    const outbox = async () => Number((await p.db('engine_outbox').count({ n: '*' }).first())!.n);
    const before = await outbox();
    const r = await admin.post('/api/process-instances', { bpmnProcessId: procedure.bpmnProcessId, variables: { ghiChu: 'x'.repeat(MAX_JSON_STRING + 1) } });
    expect(r.status, JSON.stringify(r.body).slice(0, 300)).toBe(413);
    expect(r.body.message).toContain('"variables.ghiChu" quá dài');
    expect(await outbox()).toBe(before);
    // BPMN XML keeps its own, larger limit (config.longText on the deploy and the modeler's routes).
    const xml = deskBpmn(`mc-long-${tag}`).replace('</bpmn:definitions>', `<!-- ${'x'.repeat(MAX_JSON_STRING + 10)} --></bpmn:definitions>`);
    const designer = await login(p.app, await createUser(p.db, { roles: ['designer'] }));
    expect((await designer.post('/api/process-definitions', { resourceName: `mc-long-${tag}.bpmn`, xml })).status).toBe(201);
  });

  it('a field over its length is refused with 400 naming it, never cut: a 5,000-character note online, in a supplement and at the desk', async () => {
    const before = await snapshot();
    const note = 'Ghi chú dài '.repeat(500).slice(0, 5000);
    const r = await submit({ ...validFields(), note }, [{ field: 'doc:DON', name: 'don.pdf', data: pdfBytes(`long-${tag}`) }]);
    expect(r.status, JSON.stringify(r.body)).toBe(400);
    expect(r.body.message).toContain('ghi chú (note) tối đa 2000 ký tự');
    const name = await submit({ ...validFields(), applicantName: 'Trần '.repeat(60) }, [{ field: 'doc:DON', name: 'don.pdf', data: pdfBytes(`long-${tag}`) }]);
    expect(name.status).toBe(400);
    expect(name.body.message).toContain('applicantName');
    const mp = await multipart({ note });
    const sup = await p.app.inject({
      method: 'POST',
      url: `/api/public/dossiers/${encodeURIComponent(base.reference)}/supplement`,
      headers: { 'content-type': mp.contentType, 'x-lookup-token': base.lookupToken },
      payload: mp.body,
    });
    expect(sup.statusCode, sup.body).toBe(400);
    expect(sup.json().message).toContain('(note) tối đa 2000 ký tự');
    const atDesk = await desk.post('/api/onestop/dossiers', {
      procedureCode: procedure.code,
      applicant: { name: 'Nguyễn Văn An' },
      documents: [{ code: 'DON', copies: 1 }],
      note,
    });
    expect(atDesk.status).toBe(400);
    expect(atDesk.body.message).toMatch(/^Dữ liệu không hợp lệ: trường "note" dài quá 2000 ký tự/);
    expect(await snapshot()).toEqual(before);
  });

  it("the lookup page of the QR code masks the applicant's name in the notices as well", async () => {
    const r = await p.app.inject({
      method: 'GET',
      url: `/api/public/dossiers/${encodeURIComponent(base.reference)}`,
      headers: { 'x-lookup-token': base.lookupToken },
    });
    expect(r.statusCode).toBe(200);
    const holder = r.json().holder;
    expect(holder.applicantName).toBe('N***** V** A*');
    expect(holder.notices.length).toBeGreaterThan(0);
    expect(holder.notices[0].body).toContain('Kính gửi ông/bà N***** V** A*');
    expect(r.body).not.toContain('Nguyễn Văn An');
    // The stored notice (e-mailed to the applicant's own address) keeps the name.
    const d = await p.db('dossiers').where({ reference: base.reference }).first('id');
    expect((await p.db('dossier_notices').where({ dossier_id: d.id }).first()).body).toContain('Kính gửi ông/bà Nguyễn Văn An');
  });

  it('anonymous submissions: at most ONESTOP_SUBMISSIONS_PER_DAY (here 3) per address and day, refused ones not counted; the next is 429 and stores nothing', async () => {
    const ip = '198.51.100.23';
    const doc = (i: number) => [{ field: 'doc:DON', name: 'don.pdf', data: pdfBytes(`quota-${tag}-${i}`) }];
    expect((await submit({ ...validFields(), applicantEmail: 'không-phải-email' }, doc(0), ip)).status).toBe(400);
    for (let i = 1; i <= 3; i++) expect((await submit(validFields(), doc(i), ip)).status).toBe(201);
    const before = await snapshot();
    const over = await submit(validFields(), doc(4), ip);
    expect(over.status).toBe(429);
    expect(over.body.message).toContain('đã nộp 3 hồ sơ trực tuyến trong hôm nay');
    expect(await snapshot()).toEqual(before);
    // another address is not affected
    expect((await submit(validFields(), doc(5), '198.51.100.24')).status).toBe(201);
  });

  it('the files of a refused submission are removed from the store after ONESTOP_REFUSED_FILES_DAYS; a running one keeps its files', async () => {
    const filesRoot = path.join(p.config.dataDir, 'files');
    const refused = await submit(
      validFields(),
      [
        { field: 'doc:DON', name: 'don.pdf', data: pdfBytes(`refused-${tag}`) },
        { field: 'doc:KHAC', name: 'khac.pdf', data: pdfBytes(`refused-khac-${tag}`) },
      ],
      '198.51.100.40',
    );
    const kept = await submit(validFields(), [{ field: 'doc:DON', name: 'don.pdf', data: pdfBytes(`kept-${tag}`) }], '198.51.100.40');
    expect([refused.status, kept.status]).toEqual([201, 201]);
    const row = await p.db('dossiers').where({ reference: refused.body.reference }).first('id');
    expect((await desk.post(`/api/onestop/dossiers/${row.id}/refuse`, { reason: 'Nộp nhầm thủ tục' })).status).toBe(200);
    const docs = (code: string) =>
      p.db('dossier_documents as dd').join('dossiers as d', 'd.id', 'dd.dossier_id').where('d.reference', code).select('dd.storage_path', 'dd.purged_at');
    const onDisk = async (code: string) => (await docs(code)).map((x) => existsSync(path.join(filesRoot, x.storage_path)));
    expect(await onDisk(refused.body.reference)).toEqual([true, true]);
    // Not old enough yet: nothing removed.
    await purgeRefusedSubmissionFiles(p.db, filesRoot, 30, new Date());
    expect(await onDisk(refused.body.reference)).toEqual([true, true]);
    // 31 days later.
    const later = new Date(Date.now() + 31 * 86_400_000);
    expect(await purgeRefusedSubmissionFiles(p.db, filesRoot, 30, later)).toBeGreaterThanOrEqual(2);
    expect(await onDisk(refused.body.reference)).toEqual([false, false]);
    expect((await docs(refused.body.reference)).every((x) => x.purged_at !== null)).toBe(true);
    expect(await onDisk(kept.body.reference)).toEqual([true]);
    expect((await docs(kept.body.reference))[0]!.purged_at).toBeNull();
    // Idempotent.
    await purgeRefusedSubmissionFiles(p.db, filesRoot, 30, later);
    expect(await onDisk(kept.body.reference)).toEqual([true]);
  });

  it('refuses a multipart body without Content-Length (411) and a declared one over the limit (413)', async () => {
    const mp = await multipart(validFields());
    // fetch sends a stream body chunked, without Content-Length
    const stream = new ReadableStream({
      start(c) {
        c.enqueue(new Uint8Array(mp.body));
        c.close();
      },
    });
    const chunked = await timed('/api/public/dossiers', {
      method: 'POST',
      headers: { 'content-type': mp.contentType },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(411);
    expect(chunked.body.message).toMatch(VIETNAMESE);
    const big = await p.app.inject({
      method: 'POST',
      url: '/api/public/dossiers',
      headers: { 'content-type': mp.contentType, 'content-length': String(100 * MB) },
      payload: mp.body,
    });
    expect(big.statusCode).toBe(413);
  });
});

describe('TRUST_PROXY and the request log', () => {
  let proxied: TestPlatform;
  const lines: string[] = [];

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    proxied = await startTestPlatform({ runtime: false, config: { trustProxy: true }, logger: { level: 'info', stream: sink } });
  });
  afterAll(async () => {
    await proxied?.close();
  });

  const flood = async (app: TestPlatform['app'], forwardedFor: (i: number) => string) => {
    const codes: number[] = [];
    for (let i = 0; i < 31; i++) {
      const r = await app.inject({
        method: 'GET',
        url: '/api/public/evaluation-results',
        remoteAddress: '192.0.2.10',
        headers: { 'x-forwarded-for': forwardedFor(i) },
      });
      codes.push(r.statusCode);
    }
    return codes;
  };

  it('with TRUST_PROXY the X-Forwarded-For address decides the rate-limit bucket', async () => {
    // 31 clients behind one proxy: each has its own 30 per minute.
    expect((await flood(proxied.app, (i) => `203.0.113.${i + 1}`)).every((c) => c === 200)).toBe(true);
    // one client through the proxy 31 times: the 31st is refused.
    const one = await flood(proxied.app, () => '203.0.113.200');
    expect(one.slice(0, 30).every((c) => c === 200)).toBe(true);
    expect(one[30]).toBe(429);
  });

  it('without TRUST_PROXY X-Forwarded-For is ignored: the socket address is the bucket', async () => {
    const plain = await startTestPlatform({ runtime: false });
    try {
      const codes = await flood(plain.app, (i) => `203.0.113.${i + 1}`);
      expect(codes.slice(0, 30).every((c) => c === 200)).toBe(true);
      expect(codes[30]).toBe(429);
    } finally {
      await plain.close();
    }
  });

  it('lookup keys, tracking keys and live-event tickets never reach the request log', async () => {
    const secrets = {
      header: `hdr${randomBytes(12).toString('hex')}`,
      t: `qt${randomBytes(12).toString('hex')}`,
      ticket: `tk${randomBytes(12).toString('hex')}`,
      page: `pg${randomBytes(12).toString('hex')}`,
    };
    await proxied.app.inject({ method: 'GET', url: '/api/public/dossiers/H99.12-260101-0001', headers: { 'x-lookup-token': secrets.header } });
    await proxied.app.inject({ method: 'GET', url: `/api/public/evaluations/H99.12-260101-0001?t=${secrets.t}` });
    await proxied.app.inject({ method: 'GET', url: `/api/public/apologies/H99.12-260101-0001/pdf?lang=vi&t=${secrets.t}` });
    await proxied.app.inject({ method: 'GET', url: `/api/events?ticket=${secrets.ticket}` });
    await proxied.app.inject({ method: 'GET', url: `/tra-cuu/H99.12-260101-0001?t=${secrets.page}` });
    await sleep(200);
    const log = lines.join('');
    expect(log).toContain('/api/public/evaluations/H99.12-260101-0001?t=[REDACTED]');
    expect(log).toContain('/pdf?lang=vi&t=[REDACTED]');
    expect(log).toContain('/api/events?ticket=[REDACTED]');
    expect(log).toContain('/tra-cuu/H99.12-260101-0001?t=[REDACTED]');
    for (const s of Object.values(secrets)) expect(log).not.toContain(s);
  });
});
