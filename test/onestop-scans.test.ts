import { readdirSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from './helpers/platform.js';
import { createUser, login, waitFor, type Client } from './helpers/fixtures.js';
import { deskBpmn, multipartBody, pdfBytes, procedureEntry, receiveAtDesk } from './helpers/onestop.js';

/** Files under a directory, recursively (the file store and its temporary area). */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('IHDR fake image body')]);
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('JFIF fake image body')]);

/**
 * Paper digitised at reception (NĐ 118/2025 Art. 17 cl. 1 c, TT 03/2025): an in-person receipt carries a
 * scan per document handed in, except those the catalogue marks scanExempt; the scans are the dossier's
 * documents exactly as an online submission's files are. A scan is at most ATTACHMENT_MAX_BYTES (64 KB
 * here) and a PDF, JPEG or PNG by its bytes.
 */
describe('scans of a paper dossier at the desk', () => {
  let p: TestPlatform;
  let desk: Client;
  let procedure: Record<string, any>;
  const MAX = 64 * 1024;

  beforeAll(async () => {
    p = await startTestPlatform({ config: { attachmentMaxBytes: MAX } });
    const admin = await login(p.app, await createUser(p.db, { roles: ['admin'] }));
    const designer = await login(p.app, await createUser(p.db, { roles: ['designer'] }));
    desk = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: 'SNNMT-VP' }));
    procedure = procedureEntry({
      requiredDocuments: [
        { code: 'DON', name: 'Đơn đề nghị', copies: 1, mandatory: true },
        { code: 'GCN', name: 'Giấy chứng nhận quyền sử dụng đất', copies: 1, mandatory: true },
        // shown for comparison only: the original goes back to the applicant, nothing to scan
        { code: 'CCCD', name: 'Căn cước (xuất trình để đối chiếu)', copies: 1, mandatory: true, scanExempt: 'shown_only' },
      ],
    });
    const imp = await admin.post('/api/onestop/procedures/import', [procedure]);
    expect(imp.status, JSON.stringify(imp.body)).toBe(200);
    const dep = await designer.post('/api/process-definitions', { resourceName: `${procedure.bpmnProcessId}.bpmn`, xml: deskBpmn(procedure.bpmnProcessId) });
    expect(dep.status, JSON.stringify(dep.body)).toBe(201);
  });
  afterAll(async () => {
    await p?.close();
  });

  const applicant = { name: 'Phạm Văn Dũng', phone: '0912000111' };
  const documents = [
    { code: 'DON', copies: 1 },
    { code: 'GCN', copies: 1 },
    { code: 'CCCD', copies: 1 },
  ];
  const body = () => ({ procedureCode: procedure.code, applicant, documents });
  /** What a refusal must leave as it was: the procedure's dossiers, their documents, the agency's counters, the file store. */
  const snapshot = async () => ({
    dossiers: await p.db('dossiers').where({ procedure_code: procedure.code }).count<{ n: string }[]>({ n: '*' }),
    documents: await p
      .db('dossier_documents as dd')
      .join('dossiers as d', 'd.id', 'dd.dossier_id')
      .where('d.procedure_code', procedure.code)
      .count<{ n: string }[]>({ n: '*' }),
    forms: await p.db('onestop_reception_forms').where({ procedure_code: procedure.code }).count<{ n: string }[]>({ n: '*' }),
    files: filesUnder(path.join(p.config.dataDir, 'files')).sort(),
  });

  it('a receipt missing a scan is refused in Vietnamese naming the documents; nothing is written', async () => {
    const before = await snapshot();
    // JSON without any file: DON and GCN need scans, CCCD (shown only) does not.
    const bare = await desk.post('/api/onestop/dossiers', body());
    expect(bare.status).toBe(400);
    expect(bare.body.code).toBe('SCAN_MISSING');
    expect(bare.body.message).toBe(
      'Tiếp nhận trực tiếp phải số hóa hồ sơ giấy: còn thiếu bản scan của Đơn đề nghị; Giấy chứng nhận quyền sử dụng đất / Scans missing for: DON, GCN',
    );
    expect(bare.body.params.missing).toBe('Đơn đề nghị; Giấy chứng nhận quyền sử dụng đất');
    // One scan of two.
    const one = await receiveAtDesk(p.app, desk, body(), { skip: ['GCN', 'CCCD'] });
    expect(one.status).toBe(400);
    expect(one.body.message).toContain('còn thiếu bản scan của Giấy chứng nhận quyền sử dụng đất /');
    // A scan of the exempt document is not expected.
    const exempt = await receiveAtDesk(p.app, desk, body());
    expect(exempt.status).toBe(400);
    expect(exempt.body).toMatchObject({ code: 'SCAN_NOT_EXPECTED', params: { codes: 'CCCD' } });
    expect(await snapshot()).toEqual(before);
  });

  it('hostile scans: over the size cap, or bytes that are not the PDF the header claims, are refused; nothing is written', async () => {
    const before = await snapshot();
    const don = { field: 'scan:DON', name: 'don.pdf', data: pdfBytes('don'), type: 'application/pdf' };
    const big = { field: 'scan:GCN', name: 'gcn.pdf', data: Buffer.concat([pdfBytes('gcn'), Buffer.alloc(MAX, 0x20)]), type: 'application/pdf' };
    const tooBig = await receiveAtDesk(p.app, desk, body(), { scans: [don, big] });
    expect(tooBig.status).toBe(413);
    expect(tooBig.body).toMatchObject({ code: 'FILE_TOO_LARGE', params: { file: 'gcn.pdf', max: '0.1 MB' } });
    // An executable sent as application/pdf with a .pdf name.
    const exe = { field: 'scan:GCN', name: 'gcn.pdf', data: Buffer.from('MZ\x90\x00 this is not a pdf'), type: 'application/pdf' };
    const fake = await receiveAtDesk(p.app, desk, body(), { scans: [don, exe] });
    expect(fake.status).toBe(415);
    expect(fake.body).toMatchObject({ code: 'SCAN_CONTENT', params: { file: 'gcn.pdf', claimed: 'application/pdf, .pdf' } });
    expect(fake.body.message).toContain('Tệp scan "gcn.pdf" không phải là PDF, JPEG hoặc PNG như khai báo');
    // A real PNG claiming to be a PDF: the bytes and the claim disagree.
    const png = { field: 'scan:GCN', name: 'gcn.pdf', data: PNG, type: 'application/pdf' };
    expect((await receiveAtDesk(p.app, desk, body(), { scans: [don, png] })).body.code).toBe('SCAN_CONTENT');
    // A file not tied to a document.
    const stray = { field: 'other', name: 'x.pdf', data: pdfBytes('x'), type: 'application/pdf' };
    expect((await receiveAtDesk(p.app, desk, body(), { scans: [don, stray] })).status).toBe(400);
    expect(await snapshot()).toEqual(before);
  });

  it('with its scans the dossier is received; the scans are its documents, listed and downloaded like an online submission’s files', async () => {
    const jpeg = { field: 'scan:GCN', name: 'gcn.jpg', data: JPEG, type: 'image/jpeg' };
    const don = { field: 'scan:DON', name: 'don.pdf', data: pdfBytes('don scanned'), type: 'application/pdf' };
    const r = await receiveAtDesk(p.app, desk, body(), { scans: [don, jpeg] });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toMatchObject({ status: 'RECEIVED', channel: 'in_person' });
    expect(r.body.code).toMatch(/^H99\.12-\d{6}-\d{4}$/);
    const files = r.body.files.map((f: any) => ({
      requirementCode: f.requirementCode,
      stage: f.stage,
      fileName: f.fileName,
      mimeType: f.mimeType,
      sizeBytes: f.sizeBytes,
      uploadedBy: f.uploadedBy,
    }));
    expect(files).toEqual([
      {
        requirementCode: 'DON',
        stage: 'submission',
        fileName: 'don.pdf',
        mimeType: 'application/pdf',
        sizeBytes: don.data.length,
        uploadedBy: desk.user.username,
      },
      { requirementCode: 'GCN', stage: 'submission', fileName: 'gcn.jpg', mimeType: 'image/jpeg', sizeBytes: JPEG.length, uploadedBy: desk.user.username },
    ]);
    const got = await p.app.inject({
      method: 'GET',
      url: `/api/onestop/dossiers/${r.body.id}/files/${r.body.files[1].id}`,
      headers: { authorization: `Bearer ${desk.token}` },
    });
    expect(got.statusCode).toBe(200);
    expect(got.headers['content-type']).toContain('image/jpeg');
    expect(createHash('sha256').update(got.rawPayload).digest('hex')).toBe(createHash('sha256').update(JPEG).digest('hex'));

    // An online submission of the same procedure: its files are the same kind of rows, in the same store.
    const { payload, contentType } = await multipartBody({ procedureCode: procedure.code, applicantName: 'Võ Thị Em' }, [
      { field: 'doc:DON', name: 'don-online.pdf', data: pdfBytes('don online'), type: 'application/pdf' },
      { field: 'doc:GCN', name: 'gcn-online.pdf', data: pdfBytes('gcn online'), type: 'application/pdf' },
      { field: 'doc:CCCD', name: 'cccd-online.pdf', data: pdfBytes('cccd online'), type: 'application/pdf' },
    ]);
    const sub = await p.app.inject({ method: 'POST', url: '/api/public/dossiers', headers: { 'content-type': contentType }, payload });
    expect(sub.statusCode, sub.body).toBe(201);
    const online = await p.db('dossiers').where({ reference: sub.json().reference }).first('id');
    const detail = await desk.get(`/api/onestop/dossiers/${online.id}`);
    expect(Object.keys(detail.body.files[0]).sort()).toEqual(Object.keys(r.body.files[0]).sort());
    expect(detail.body.files.map((f: any) => f.stage)).toEqual(['submission', 'submission', 'submission']);
    const paths = await p.db('dossier_documents').whereIn('dossier_id', [r.body.id, online.id]).pluck('storage_path');
    for (const rel of paths) expect(existsSync(path.join(p.config.dataDir, 'files', rel))).toBe(true);

    // The auditor's case file of the paper dossier carries its scans, as it would carry an online dossier's files.
    const started = await waitFor(
      async () => (await p.db('dossiers').where({ id: r.body.id }).first('process_instance_key'))?.process_instance_key ?? undefined,
      'process started',
      30_000,
    );
    const auditor = await login(p.app, await createUser(p.db, { roles: ['auditor'] }));
    // the case is the auditor's once the engine's history shows it (moments after the process started)
    const exportZip = () => p.app.inject({ method: 'GET', url: `/api/cases/${started}/export.zip`, headers: { authorization: `Bearer ${auditor.token}` } });
    await waitFor(async () => (await exportZip()).statusCode !== 404, 'the case in the history');
    const zip = await exportZip();
    expect(zip.statusCode, zip.body.slice(0, 300)).toBe(200);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'case-file-'));
    writeFileSync(path.join(dir, 'f.zip'), zip.rawPayload);
    const listing = execFileSync('unzip', ['-Z1', path.join(dir, 'f.zip')], { encoding: 'utf8' })
      .trim()
      .split('\n');
    expect(listing.filter((n) => n.startsWith('ho-so/'))).toEqual(['ho-so/submission/01-DON-don.pdf', 'ho-so/submission/02-GCN-gcn.jpg']);
    const scan = execFileSync('unzip', ['-p', path.join(dir, 'f.zip'), 'ho-so/submission/02-GCN-gcn.jpg']);
    expect(createHash('sha256').update(scan).digest('hex')).toBe(createHash('sha256').update(JPEG).digest('hex'));
  });

  it('the catalogue refuses an unknown scanExempt value, naming the allowed ones', async () => {
    const admin = await login(p.app, await createUser(p.db, { roles: ['admin'] }));
    const bad = procedureEntry({ requiredDocuments: [{ code: 'DON', name: 'Đơn', copies: 1, mandatory: true, scanExempt: 'lazy' }] });
    const r = await admin.post('/api/onestop/procedures/import', [bad]);
    expect(r.status).toBe(400);
    expect(JSON.stringify(r.body)).toContain('scanExempt phải là một trong shown_only, inter_agency, classified, held_by_agency');
  });
});
