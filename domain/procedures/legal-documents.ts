import type { Knex } from 'knex';
import * as repo from './store.js';

type Db = Knex | Knex.Transaction;

/**
 * The register of legal documents and the procedures' citations of them (issue 20, item 1): a
 * procedure's legal basis is a list of links (document, article), printed on the sheet as
 * "Điều 11 Nghị định 118/2025/NĐ-CP ngày 09/6/2025 của Chính phủ ..."; procedures.legal_basis keeps the
 * free-text note (what is no document of the register).
 */

export const LEGAL_DOCUMENT_KINDS = [
  'luat',
  'nghi_dinh',
  'nghi_quyet',
  'thong_tu',
  'thong_tu_lien_tich',
  'quyet_dinh',
  'chi_thi',
  'tieu_chuan',
  'other',
] as const;
export type LegalDocumentKind = (typeof LEGAL_DOCUMENT_KINDS)[number];

/** How the kind is written before the number on a sheet. */
export const KIND_NAMES_VI: Record<LegalDocumentKind, string> = {
  luat: 'Luật',
  nghi_dinh: 'Nghị định',
  nghi_quyet: 'Nghị quyết',
  thong_tu: 'Thông tư',
  thong_tu_lien_tich: 'Thông tư liên tịch',
  quyet_dinh: 'Quyết định',
  chi_thi: 'Chỉ thị',
  tieu_chuan: 'Tiêu chuẩn quốc gia',
  other: 'Văn bản',
};

export interface LegalDocumentRow {
  id: number;
  number: string;
  kind: LegalDocumentKind;
  issuer: string;
  signed_on: string | null;
  effective_on: string | null;
  title: string;
  url: string | null;
  created_at: Date;
}

export interface CitationRow extends LegalDocumentRow {
  document_id: number;
  article: string;
  position: number;
}

/** Dates come back as 'YYYY-MM-DD' (no time zone games): date columns are read as text. */
function docSelect(db: Db) {
  return [
    'd.id',
    'd.number',
    'd.kind',
    'd.issuer',
    'd.title',
    'd.url',
    'd.created_at',
    db.raw(`to_char(d.signed_on, 'YYYY-MM-DD') AS signed_on`),
    db.raw(`to_char(d.effective_on, 'YYYY-MM-DD') AS effective_on`),
  ];
}

/** Documents of the register, newest signed first; `q` narrows by number or title (plain substring). */
export async function listDocuments(db: Db, o: { q?: string; limit?: number } = {}): Promise<LegalDocumentRow[]> {
  const q = db('legal_documents as d').select(docSelect(db));
  if (o.q) {
    const like = `%${o.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q.where((w) => w.whereILike('d.number', like).orWhereILike('d.title', like));
  }
  return q
    .orderByRaw('d.signed_on DESC NULLS LAST')
    .orderBy('d.id', 'desc')
    .limit(o.limit ?? 500);
}

export async function findDocument(db: Db, id: number): Promise<LegalDocumentRow | undefined> {
  return db('legal_documents as d').where('d.id', id).first(docSelect(db));
}

export interface NewLegalDocument {
  number: string;
  kind: LegalDocumentKind;
  issuer: string;
  signedOn: string;
  effectiveOn: string | null;
  title: string;
  url: string | null;
}

/** Adds a document to the register; refused when its number is there already. */
export async function createDocument(db: Knex, d: NewLegalDocument, userId: number): Promise<{ refused: 'exists' } | { document: LegalDocumentRow }> {
  const number = d.number.trim();
  const [row] = await db('legal_documents')
    .insert({
      number,
      kind: d.kind,
      issuer: d.issuer.trim(),
      signed_on: d.signedOn,
      effective_on: d.effectiveOn,
      title: d.title.trim(),
      url: d.url,
      created_by: userId,
    })
    .onConflict('number')
    .ignore()
    .returning('id');
  if (!row) return { refused: 'exists' };
  return { document: (await findDocument(db, row.id))! };
}

/** The citations of a procedure, in their order, with their documents. */
export async function listCitations(db: Db, procedureId: number): Promise<CitationRow[]> {
  return db('procedure_legal_citations as c')
    .join('legal_documents as d', 'd.id', 'c.document_id')
    .where('c.procedure_id', procedureId)
    .orderBy([{ column: 'c.position' }, { column: 'c.id' }])
    .select([...docSelect(db), 'c.document_id', 'c.article', 'c.position']);
}

const vnDay = (isoDate: string) => {
  const [y, m, d] = isoDate.split('-');
  return `${d}/${m}/${y}`;
};

/**
 * "Điều 11 Nghị định 118/2025/NĐ-CP ngày 09/06/2025 của Chính phủ về ..." as the sheet prints it. A law's
 * title is its name, written where Vietnamese writes it: "Điều 16 Luật Hộ tịch số 60/2014/QH13 của Quốc hội".
 */
export function citationText(c: Pick<CitationRow, 'article' | 'kind' | 'number' | 'signed_on' | 'issuer' | 'title'>): string {
  const named = c.kind === 'luat' && c.title.trim() !== '';
  return [
    c.article,
    named ? `Luật ${c.title.trim()} số ${c.number}` : `${KIND_NAMES_VI[c.kind] ?? 'Văn bản'} ${c.number}`,
    c.signed_on ? `ngày ${vnDay(c.signed_on)}` : '',
    c.issuer ? `của ${c.issuer}` : '',
    named ? '' : c.title,
  ]
    .filter(Boolean)
    .join(' ');
}

/** The legal basis lines of a procedure's sheet: its citations, then the lines of its free-text note. */
export async function legalBasisLines(db: Db, p: Pick<repo.ProcedureRow, 'id' | 'legal_basis'>): Promise<string[]> {
  const cited = (await listCitations(db, p.id)).map(citationText);
  const note = p.legal_basis
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  return [...cited, ...note];
}

/** A document as a shipped procedure cites it (processes/procedure-sheets.json), with the article cited. */
export interface DocumentCitation {
  kind: LegalDocumentKind;
  number: string;
  issuer: string;
  signedOn: string | null;
  title: string;
  article: string;
}

/**
 * The register's id of the cited document: a number already in the register is reused as it is (never
 * overwritten), else the document is added (without author: it came with the platform).
 */
export async function registerDocument(trx: Knex.Transaction, c: DocumentCitation): Promise<number> {
  const number = c.number.trim();
  await trx('legal_documents')
    .insert({ number, kind: c.kind, issuer: c.issuer.trim(), signed_on: c.signedOn, title: c.title.trim(), created_by: null })
    .onConflict('number')
    .ignore();
  const row = (await trx('legal_documents').where({ number }).first('id')) as { id: number };
  return row.id;
}

/**
 * Appends the given citations to a procedure's (after those it has, in the given order; a document and
 * article it cites already is skipped). The citations written.
 */
export async function appendDocumentCitations(trx: Knex.Transaction, procedureId: number, citations: DocumentCitation[]): Promise<CitationInput[]> {
  const last = (await trx('procedure_legal_citations').where({ procedure_id: procedureId }).max<{ max: number | null }>('position as max').first())?.max;
  let position = last === null || last === undefined ? 0 : last + 1;
  const written: CitationInput[] = [];
  for (const c of citations) {
    const documentId = await registerDocument(trx, c);
    const inserted = await trx('procedure_legal_citations')
      .insert({ procedure_id: procedureId, document_id: documentId, article: c.article.trim(), position })
      .onConflict(['procedure_id', 'document_id', 'article'])
      .ignore()
      .returning('id');
    if (inserted.length) {
      position++;
      written.push({ documentId, article: c.article.trim() });
    }
  }
  return written;
}

export interface CitationInput {
  documentId: number;
  article: string;
}

/**
 * Replaces a procedure's citations (in the given order) and records an info-updated event. Refused
 * when a document is not in the register (nothing is written).
 */
export async function setCitations(
  db: Knex,
  procedureId: number,
  citations: CitationInput[],
  actorId: number,
): Promise<{ refused: 'unknown_document'; documentId: number } | { ok: true }> {
  return db.transaction(async (trx) => {
    const ids = [...new Set(citations.map((c) => c.documentId))];
    const known = new Set((await trx('legal_documents').whereIn('id', ids).pluck('id')) as number[]);
    const unknown = ids.find((id) => !known.has(id));
    if (unknown !== undefined) return { refused: 'unknown_document' as const, documentId: unknown };
    await trx('procedure_legal_citations').where({ procedure_id: procedureId }).delete();
    const seen = new Set<string>();
    const rows = citations
      .map((c, i) => ({ procedure_id: procedureId, document_id: c.documentId, article: c.article.trim(), position: i }))
      .filter((r) => {
        const k = `${r.document_id}\u0000${r.article}`;
        if (seen.has(k)) return false;
        seen.add(k);
        return true;
      });
    if (rows.length) await trx('procedure_legal_citations').insert(rows);
    await repo.insertEvent(trx, {
      procedure_id: procedureId,
      kind: 'info-updated',
      actor_id: actorId,
      details: { fields: ['citations'], citations: rows.map((r) => ({ documentId: r.document_id, article: r.article })) },
    });
    return { ok: true as const };
  });
}

export interface CitingProcedure {
  bpmn_process_id: string;
  name: string;
  articles: string[];
  published_version: number | null;
  versions: {
    version: number;
    state: string;
    running: number;
    legal_document_id: number | null;
    legal_change_date: string | null;
    due_date_policy: string | null;
  }[];
  running_cases: number;
}

/**
 * Every procedure citing the document: the articles cited, its newest published version, each deployed
 * version (published through the platform, or deployed straight to the engine: state 'deployed') with
 * its running cases (root instances, from the history projection) and the law change it was published
 * for, and the running cases over all versions.
 */
export async function proceduresCiting(db: Db, documentId: number): Promise<CitingProcedure[]> {
  const procs = (await db('procedure_legal_citations as c')
    .join('procedures as p', 'p.id', 'c.procedure_id')
    .where('c.document_id', documentId)
    .groupBy('p.id', 'p.bpmn_process_id', 'p.name')
    .orderBy('p.name')
    .select('p.id', 'p.bpmn_process_id', 'p.name', db.raw(`array_agg(c.article ORDER BY c.position, c.id) AS articles`))) as {
    id: number;
    bpmn_process_id: string;
    name: string;
    articles: string[];
  }[];
  if (procs.length === 0) return [];
  // every deployed version of the process (through the platform or learnt from the engine), with what the platform recorded of it
  const versions = (await db('procedures as p')
    .join('process_definitions as d', 'd.bpmn_process_id', 'p.bpmn_process_id')
    .leftJoin('procedure_versions as v', 'v.process_definition_key', 'd.process_definition_key')
    .whereIn(
      'p.id',
      procs.map((p) => p.id),
    )
    .orderBy([{ column: 'p.id' }, { column: 'd.version', order: 'desc' }])
    .select(
      'p.id as procedure_id',
      'd.version',
      db.raw(`coalesce(v.state, 'deployed') AS state`),
      'v.legal_document_id',
      'v.due_date_policy',
      db.raw(`to_char(v.legal_change_date, 'YYYY-MM-DD') AS legal_change_date`),
      db.raw(
        `(SELECT count(*) FROM hist_process_instances h WHERE h.process_definition_key = d.process_definition_key AND h.state = 'active' AND h.parent_process_instance_key IS NULL)::int AS running`,
      ),
    )) as (CitingProcedure['versions'][number] & { procedure_id: number })[];
  return procs.map((p) => {
    const own = versions.filter((v) => v.procedure_id === p.id).map(({ procedure_id: _, ...v }) => v);
    return {
      bpmn_process_id: p.bpmn_process_id,
      name: p.name,
      articles: p.articles,
      published_version: own.find((v) => v.state === 'published')?.version ?? null,
      versions: own,
      running_cases: own.reduce((n, v) => n + Number(v.running), 0),
    };
  });
}
