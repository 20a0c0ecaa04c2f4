import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { legalDocumentsOf, PROCESSES_DIR, readBundledSheets } from '../../engine/bundled.js';
import { citationText, LEGAL_DOCUMENT_KINDS, type LegalDocumentKind } from '../../domain/procedures/legal-documents.js';
import { citationLine } from '../../web/src/features/legal/citation-text.js';

/**
 * The shipped procedures' legal basis as citations (processes/procedure-sheets.json): each document is
 * described the same way wherever it is cited, with a kind of the register; a signed date only where a text
 * of the repository gives it; the one-stop procedures' former free-text lines are what the earlier release
 * read from the catalogue. The designer's preview writes a citation as the sheet does.
 */
describe('the citations of the shipped procedures', () => {
  const sheets = readBundledSheets();
  const all = [...sheets.entries()].flatMap(([id, s]) => s.citations.map((c) => ({ id, ...c })));

  it('every shipped procedure cites at least one document of a known kind; a number is one document', () => {
    expect(sheets.size).toBe(15);
    for (const [id, s] of sheets) expect(s.citations.length, id).toBeGreaterThan(0);
    for (const c of all) expect(LEGAL_DOCUMENT_KINDS as readonly string[], `${c.id} ${c.number}`).toContain(c.kind);
    const byNumber = new Map<string, string>();
    for (const c of all) {
      const doc = JSON.stringify([c.kind, c.issuer, c.signedOn, c.title]);
      expect(byNumber.get(c.number) ?? doc, `${c.id} ${c.number}`).toBe(doc);
      byNumber.set(c.number, doc);
    }
    // the two birth registrations share Luật Hộ tịch; the ISO processes share the standard
    expect(all.filter((c) => c.number === '60/2014/QH13').map((c) => c.id)).toEqual(['mc-dang-ky-khai-sinh', 'mc-dang-ky-khai-sinh-xa-tan-thanh']);
    expect(all.filter((c) => c.kind === 'tieu_chuan').length).toBe(7);
  });

  it('a signed date only for the documents whose date a text of the repository gives', () => {
    const dated = Object.fromEntries(all.filter((c) => c.signedOn).map((c) => [c.number, c.signedOn]));
    expect(dated).toEqual({
      '30/2020/NĐ-CP': '2020-03-05', // procedure-sheets.json's former line
      '101/QĐ-BKHCN': '2019-01-21', // idem
      '20/2008/NĐ-CP': '2008-02-14', // idem
      '168/2025/NĐ-CP': '2025-06-30', // onestop-catalogue.json
      '61/2018/NĐ-CP': '2018-04-23', // /work/shared/domain/vn-rules.md and the seeds
    });
  });

  it("the one-stop procedures' former lines are their catalogue entry's documents", () => {
    const catalogue = JSON.parse(readFileSync(path.join(PROCESSES_DIR, 'onestop-catalogue.json'), 'utf8')) as {
      bpmnProcessId?: string;
      legalBasis: string;
      agencies?: { bpmnProcessId?: string }[];
    }[];
    for (const [id, s] of sheets) {
      const entry = catalogue.find((e) => e.bpmnProcessId === id || e.agencies?.some((a) => a.bpmnProcessId === id));
      if (entry) expect(s.formerLegalBasis, id).toEqual(legalDocumentsOf(entry.legalBasis));
      expect(s.formerLegalBasis.length, id).toBeGreaterThan(0);
    }
  });

  it("the designer's preview writes a citation as the printed sheet does", () => {
    const docs = [
      { kind: 'luat', number: '60/2014/QH13', signedOn: null, issuer: 'Quốc hội', title: 'Hộ tịch', article: 'Điều 16' },
      { kind: 'nghi_dinh', number: '118/2025/NĐ-CP', signedOn: '2025-06-09', issuer: 'Chính phủ', title: 'về thủ tục hành chính', article: 'Điều 11' },
      { kind: 'tieu_chuan', number: 'TCVN ISO 9001:2015', signedOn: null, issuer: '', title: 'Hệ thống quản lý chất lượng - Các yêu cầu', article: 'điều 7.5' },
      { kind: 'luat', number: '1/2026/QH15', signedOn: null, issuer: 'Quốc hội', title: '', article: '' },
    ];
    expect(docs.map((d) => citationText({ ...d, kind: d.kind as LegalDocumentKind, signed_on: d.signedOn }))).toEqual([
      'Điều 16 Luật Hộ tịch số 60/2014/QH13 của Quốc hội',
      'Điều 11 Nghị định 118/2025/NĐ-CP ngày 09/06/2025 của Chính phủ về thủ tục hành chính',
      'điều 7.5 Tiêu chuẩn quốc gia TCVN ISO 9001:2015 Hệ thống quản lý chất lượng - Các yêu cầu',
      'Luật 1/2026/QH15 của Quốc hội',
    ]);
    for (const d of docs) expect(citationLine(d, d.article)).toBe(citationText({ ...d, kind: d.kind as LegalDocumentKind, signed_on: d.signedOn }));
  });
});
