import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { startTestPlatform, type TestPlatform } from './helpers/platform.js';
import { createUser, login, type Client } from './helpers/fixtures.js';
import { PROCESSES_DIR, readBundledFiles, readBundledSheets } from '../engine/bundled.js';
import { fillBundledSheet, importBundledProcedures } from '../domain/procedures/bundled.js';

/**
 * Issue 20, item 1: the shipped procedures' legal basis is citations of the register of legal documents
 * (processes/procedure-sheets.json), filled once at first start: the documents go into the register (a
 * number already there is reused as it is), the citations in order, the note into legal_basis; a later
 * start changes nothing and a designer's edit stays. An install whose procedures were filled with the
 * former free-text lines is converted once. The shipped processes were imported by the run's global setup
 * (a fresh start); the other tests import a bundled folder of their own (unique process ids).
 */
describe('the shipped procedures cite the register of legal documents', () => {
  let p: TestPlatform;
  let designer: Client;
  const tag = randomBytes(3).toString('hex');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'eiso-citations-'));
  const ids = { edited: `iso-cite-a-${tag}`, old: `iso-cite-b-${tag}`, touched: `iso-cite-c-${tag}` };
  const unique = `${Number.parseInt(tag, 16)}/2026/NĐ-TD`;

  const citations = async (id: string) => {
    const r = await designer.get(`/api/legal/procedures/${id}/citations`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body as { items: { documentId: number; article: string; text: string; document: { number: string; title: string } }[]; note: string };
  };
  const sheetOf = async (id: string) => {
    const versions = (await designer.get(`/api/procedures/${id}`)).body.versions as { version: number }[];
    const r = await designer.get(`/api/procedures/${id}/versions/${versions[0].version}/sheet`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body as { legalBasis: string[] };
  };
  const send = async (method: 'PATCH' | 'PUT', url: string, payload: object) => {
    const r = await p.app.inject({ method, url, headers: { authorization: `Bearer ${designer.token}` }, payload });
    expect(r.statusCode, r.body).toBe(200);
  };
  const procedureId = async (bpmnProcessId: string) => ((await p.db('procedures').where({ bpmn_process_id: bpmnProcessId }).first('id')) as { id: number }).id;
  const events = async (bpmnProcessId: string, source: string) =>
    p
      .db('procedure_events')
      .where({ procedure_id: await procedureId(bpmnProcessId), kind: 'info-updated' })
      .whereRaw(`details->>'source' = ?`, [source])
      .select('details');
  const writeSheets = (sheets: unknown) => writeFileSync(path.join(dir, 'procedure-sheets.json'), JSON.stringify(sheets));
  const importDir = () => importBundledProcedures(p.db, p.zeebe, readBundledFiles(dir));

  const hoTich = { kind: 'luat', number: '60/2014/QH13', issuer: 'Quốc hội', signedOn: null, title: 'Tên khác, không ghi đè', article: 'Điều 16' };
  const fresh = { kind: 'nghi_dinh', number: unique, issuer: 'Chính phủ', signedOn: '2026-12-01', title: 'về thủ tục thử trích dẫn', article: 'Điều 3' };
  const formerLines = ['Luật Hộ tịch số 60/2014/QH13 (Điều 16)', `Nghị định số ${unique} về thủ tục thử trích dẫn`];
  const described = (citations: unknown[], legalNote: string) => ({
    code: 'QT-TD-01',
    purpose: 'Mục đích.',
    scope: 'Phạm vi.',
    citations,
    legalNote,
    formerLegalBasis: formerLines,
  });

  beforeAll(async () => {
    p = await startTestPlatform();
    designer = await login(p.app, await createUser(p.db, { roles: ['designer'] }));
    const xml = readFileSync(path.join(PROCESSES_DIR, 'iso-xu-ly-rui-ro.bpmn'), 'utf8');
    for (const id of Object.values(ids)) writeFileSync(path.join(dir, `${id}.bpmn`), xml.replaceAll('iso-xu-ly-rui-ro', id));
    mkdirSync(path.join(dir, 'forms'));
    for (const f of ['iso-rr-danh-gia', 'iso-rr-thuc-hien', 'iso-rr-xem-xet'])
      copyFileSync(path.join(PROCESSES_DIR, 'forms', `${f}.form`), path.join(dir, 'forms', `${f}.form`));
  });
  afterAll(async () => {
    await p?.close();
  });

  it('a fresh start registered the documents of the shipped procedures and cites them; a second start changes nothing', async () => {
    // Given the shipped procedures as the first start left them.
    const birth = await citations('mc-dang-ky-khai-sinh');
    expect(birth.items.map((c) => c.text)).toEqual(['Điều 11, 13, 16 Luật Hộ tịch số 60/2014/QH13 của Quốc hội', 'Nghị định 123/2015/NĐ-CP của Chính phủ']);
    expect(birth.note).toContain('hồ sơ nhận sau 15 giờ');
    expect(birth.note).not.toContain('Quy trình nội bộ');
    // two procedures citing the same document share one row of the register
    const otherBirth = await citations('mc-dang-ky-khai-sinh-xa-tan-thanh');
    expect(otherBirth.items[0].documentId).toBe(birth.items[0].documentId);
    expect(await p.db('legal_documents').where({ number: '60/2014/QH13' }).count<{ count: string }[]>('id as count')).toEqual([{ count: '1' }]);
    const iso = await Promise.all(['iso-hanh-dong-khac-phuc', 'iso-kiem-soat-tai-lieu'].map(citations));
    expect(iso.map((c) => c.items[0].text)).toEqual([
      'điều 10.2 Tiêu chuẩn quốc gia TCVN ISO 9001:2015 (ISO 9001:2015) Hệ thống quản lý chất lượng - Các yêu cầu',
      'điều 7.5 Tiêu chuẩn quốc gia TCVN ISO 9001:2015 (ISO 9001:2015) Hệ thống quản lý chất lượng - Các yêu cầu',
    ]);
    expect(iso[0].items[0].documentId).toBe(iso[1].items[0].documentId);
    // every shipped procedure cites the documents of its description, in order
    const sheets = readBundledSheets();
    for (const [id, s] of sheets)
      expect(
        (await citations(id)).items.map((c) => [c.document.number, c.article]),
        id,
      ).toEqual(s.citations.map((c) => [c.number, c.article]));
    // the printed sheet: citations, then the note
    expect((await sheetOf('mc-dang-ky-khai-sinh')).legalBasis.slice(0, 3)).toEqual([
      'Điều 11, 13, 16 Luật Hộ tịch số 60/2014/QH13 của Quốc hội',
      'Nghị định 123/2015/NĐ-CP của Chính phủ',
      'Luật Hộ tịch, Điều 13, 16: đăng ký ngay sau khi nhận đủ giấy tờ hợp lệ; Điều 11: miễn lệ phí.',
    ]);
    // the administrator's law-change page finds the land procedure under Luật Đất đai
    const land = (await p.db('legal_documents').where({ number: '31/2024/QH15' }).first('id')) as { id: number };
    const citing = await designer.get(`/api/legal/documents/${land.id}/procedures`);
    expect(citing.body.items.map((i: { bpmnProcessId: string }) => i.bpmnProcessId)).toContain('dang-ky-bien-dong-dat-dai');

    // When the platform starts again (the shipped files it knows).
    const shipped = ['mc-dang-ky-khai-sinh', 'mc-dang-ky-khai-sinh-xa-tan-thanh', 'iso-hanh-dong-khac-phuc', 'dang-ky-bien-dong-dat-dai'];
    const numbers = shipped.flatMap((id) => sheets.get(id)!.citations.map((c) => c.number));
    const snapshot = async () => ({
      documents: await p.db('legal_documents').whereIn('number', numbers).orderBy('id').select('id', 'number', 'kind', 'issuer', 'signed_on', 'title'),
      cited: await p
        .db('procedure_legal_citations as c')
        .join('procedures as p', 'p.id', 'c.procedure_id')
        .whereIn('p.bpmn_process_id', shipped)
        .orderBy('c.id')
        .select('c.id', 'c.document_id', 'c.article', 'c.position', 'p.legal_basis'),
      fills: await p
        .db('procedure_events')
        .whereIn('procedure_id', p.db('procedures').whereIn('bpmn_process_id', shipped).select('id'))
        .whereRaw(`details->>'source' IN ('bundled-sheet', 'bundled-citations')`)
        .count('id as n'),
    });
    const before = await snapshot();
    expect((await importBundledProcedures(p.db, p.zeebe, readBundledFiles(PROCESSES_DIR, shipped))).map((r) => r.outcome)).toEqual(
      shipped.map(() => 'unchanged'),
    );
    for (const id of shipped) expect(await fillBundledSheet(p.db, id, `${id}.bpmn`, sheets.get(id)!)).toEqual([]);
    // Then nothing changed.
    expect(await snapshot()).toEqual(before);
  });

  it("the first fill registers new documents, reuses known numbers without overwriting them, and a designer's edit survives a restart", async () => {
    // Given a release whose procedure cites a known law (described under another title) and a new decree.
    writeSheets({ [ids.edited]: described([hoTich, fresh], 'Ghi chú đi kèm.') });
    expect((await importDir()).map((r) => r.outcome)).toEqual(['created', 'created', 'created']);
    const first = await citations(ids.edited);
    expect(first.items.map((c) => c.text)).toEqual([
      'Điều 16 Luật Hộ tịch số 60/2014/QH13 của Quốc hội',
      `Điều 3 Nghị định ${unique} ngày 01/12/2026 của Chính phủ về thủ tục thử trích dẫn`,
    ]);
    expect(first.note).toBe('Ghi chú đi kèm.');
    expect((await p.db('legal_documents').where({ number: '60/2014/QH13' }).first('title')).title).toBe('Hộ tịch');
    expect(await p.db('legal_documents').where({ number: unique }).count<{ count: string }[]>('id as count')).toEqual([{ count: '1' }]);
    expect((await sheetOf(ids.edited)).legalBasis).toEqual([...first.items.map((c) => c.text), 'Ghi chú đi kèm.']);

    // When the designer keeps only the decree, at another article, and rewrites the note; the platform starts again twice.
    await send('PUT', `/api/legal/procedures/${ids.edited}/citations`, { citations: [{ documentId: first.items[1].documentId, article: 'Điều 4' }] });
    await send('PATCH', `/api/procedures/${ids.edited}`, { legalBasis: 'Ghi chú của người thiết kế.' });
    await importDir();
    await importDir();

    // Then their citations and note stay.
    const after = await citations(ids.edited);
    expect(after.items.map((c) => [c.document.number, c.article])).toEqual([[unique, 'Điều 4']]);
    expect(after.note).toBe('Ghi chú của người thiết kế.');
    expect(await events(ids.edited, 'bundled-citations')).toEqual([]);
  });

  it('an install filled with the former free-text lines is converted once; one whose designer changed them is left alone', async () => {
    // Given two procedures an earlier release filled with free-text lines (its fill event records no citations).
    const former = { code: 'QT-TD-02', purpose: 'Mục đích.', scope: 'Phạm vi.', legalBasis: formerLines };
    writeSheets({ [ids.old]: former, [ids.touched]: former });
    await importDir();
    for (const id of [ids.old, ids.touched]) {
      await p
        .db('procedure_events')
        .where({ procedure_id: await procedureId(id), kind: 'info-updated' })
        .whereRaw(`details->>'source' = 'bundled-sheet'`)
        .update({ details: p.db.raw(`details - 'citations'`) });
      expect((await citations(id)).note).toBe(formerLines.join('\n'));
    }
    // the designer of the second changed its legal basis since
    await send('PATCH', `/api/procedures/${ids.touched}`, { legalBasis: `${formerLines[0]}\nDòng thêm của người thiết kế` });

    // When this release (citations, note, and the former lines) starts, twice.
    const now = described([hoTich, fresh], 'Ghi chú sau chuyển đổi.');
    writeSheets({ [ids.old]: now, [ids.touched]: now });
    await importDir();
    await importDir();

    // Then the first cites the documents and its note replaced the lines, recorded once.
    const converted = await citations(ids.old);
    expect(converted.items.map((c) => [c.document.number, c.article])).toEqual([
      ['60/2014/QH13', 'Điều 16'],
      [unique, 'Điều 3'],
    ]);
    expect(converted.note).toBe('Ghi chú sau chuyển đổi.');
    const recorded = await events(ids.old, 'bundled-citations');
    expect(recorded).toHaveLength(1);
    expect(recorded[0].details).toMatchObject({ fields: ['citations', 'legalBasis'], bundledFile: `${ids.old}.bpmn` });
    expect((await sheetOf(ids.old)).legalBasis).toEqual([...converted.items.map((c) => c.text), 'Ghi chú sau chuyển đổi.']);
    // and the second keeps what its designer wrote, decided once too
    const kept = await citations(ids.touched);
    expect(kept.items).toEqual([]);
    expect(kept.note).toBe(`${formerLines[0]}\nDòng thêm của người thiết kế`);
    expect(await events(ids.touched, 'bundled-citations')).toEqual([{ details: expect.objectContaining({ fields: [] }) }]);
  });
});
