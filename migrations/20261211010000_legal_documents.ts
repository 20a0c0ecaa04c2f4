import type { Knex } from 'knex';

/**
 * Issue 20, item 1 "A law change reaches running dossiers".
 *
 * - legal_documents: the register of legal documents (number such as "118/2025/NĐ-CP", kind, issuing
 *   body, signed and effective dates, title, optional URL); the number is unique.
 * - procedure_legal_citations: a procedure cites a document, with an article ("Điều 11"); the sheet
 *   prints them. procedures.legal_basis stays, as the free-text note of what is no document.
 * - procedure_versions gains the law change a version was published for: the document, the date the
 *   change applies, and how running dossiers' due dates follow it ('from-change-date': the new limit
 *   counts from the change date; 'received-after': only dossiers received on or after it).
 * - case_migrations: each running case moved to another version (or refused), with the due dates before
 *   and after: the platform's record of it, and what makes a second run a no-op.
 *
 * Existing free-text lines of procedures.legal_basis that start with a recognizable document (a kind
 * such as "Nghị định", optionally "số", then a number like 101/2024/NĐ-CP, optionally preceded by
 * "Điều N") become documents and citations; the other lines stay in legal_basis. The parsing is frozen
 * here (migrations import no live code).
 */

const KINDS: [string, string][] = [
  ['Thông tư liên tịch', 'thong_tu_lien_tich'],
  ['Nghị định', 'nghi_dinh'],
  ['Nghị quyết', 'nghi_quyet'],
  ['Thông tư', 'thong_tu'],
  ['Quyết định', 'quyet_dinh'],
  ['Chỉ thị', 'chi_thi'],
  ['Luật', 'luat'],
];
const KIND_NAMES: Record<string, string> = Object.fromEntries(KINDS.map(([name, kind]) => [kind, name]));

const NUMBER = /\d{1,5}\/(?:\d{4}\/)?[0-9A-Za-zĐđ][0-9A-Za-zĐđ-]{0,29}/u;
const ARTICLE = /^(Điều \d{1,4}[a-z]?(?:,? khoản \d{1,3})?)\s/u;
const SIGNED = /ngày (\d{1,2})\/(\d{1,2})\/(\d{4})/u;

interface Parsed {
  article: string;
  kind: string;
  number: string;
  signedOn: string | null;
  issuer: string;
  title: string;
}

function issuerOf(number: string): string {
  const suffix = number.split('/').pop() ?? '';
  if (suffix.endsWith('-CP')) return 'Chính phủ';
  if (suffix.endsWith('-TTg')) return 'Thủ tướng Chính phủ';
  if (suffix.startsWith('QH')) return 'Quốc hội';
  if (suffix.startsWith('UBTVQH')) return 'Ủy ban Thường vụ Quốc hội';
  return '';
}

/** A line as a citation, or null when it does not start with a recognizable document. */
export function parseLegalLine(raw: string): Parsed | null {
  let line = raw.trim().slice(0, 2000);
  let article = '';
  const a = ARTICLE.exec(line);
  if (a) {
    article = a[1];
    line = line.slice(a[0].length).trim();
  }
  const kind = KINDS.find(([name]) => line.startsWith(`${name} `));
  if (!kind) return null;
  // the number within the first 80 characters after the kind ("Luật Đất đai số 31/2024/QH15")
  const head = line.slice(kind[0].length, kind[0].length + 80);
  const m = NUMBER.exec(head);
  if (!m) return null;
  const number = m[0].replace(/-+$/u, '');
  const afterNumber = line.slice(kind[0].length + m.index + m[0].length).trim();
  const d = SIGNED.exec(afterNumber);
  const signedOn = d ? `${d[3]}-${d[2].padStart(2, '0')}-${d[1].padStart(2, '0')}` : null;
  const named = head
    .slice(0, m.index)
    .replace(/\s*số\s*$/u, '')
    .trim();
  const issuer = issuerOf(number);
  // the sheet prints the date and the issuer from their own fields: the title keeps what is left
  let rest = d ? `${afterNumber.slice(0, d.index)} ${afterNumber.slice(d.index + d[0].length)}`.trim() : afterNumber;
  if (issuer && rest.startsWith(`của ${issuer}`)) rest = rest.slice(`của ${issuer}`.length).trim();
  const title = [named, rest].filter(Boolean).join(' ').slice(0, 1000);
  return { article, kind: kind[1], number, signedOn, issuer, title };
}

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('legal_documents', (t) => {
    t.comment('The register of legal documents procedures cite (luật, nghị định, thông tư, quyết định...).');
    t.increments('id');
    t.string('number', 100).notNullable().unique({ indexName: 'legal_documents_number_uq' }).comment('Số ký hiệu, e.g. 118/2025/NĐ-CP');
    t.string('kind', 40).notNullable().comment('luat | nghi_dinh | nghi_quyet | thong_tu | thong_tu_lien_tich | quyet_dinh | chi_thi | other');
    t.string('issuer', 300).notNullable().defaultTo('').comment('Cơ quan ban hành');
    t.date('signed_on').comment('Ngày ký (ban hành); null when not known (migrated from free text)');
    t.date('effective_on').comment('Ngày có hiệu lực; null when not known');
    t.text('title').notNullable().defaultTo('').comment('Trích yếu');
    t.string('url', 1000).comment('Where the text is published (optional)');
    t.integer('created_by').references('id').inTable('users').onDelete('SET NULL');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.raw('eiso_now()'));
  });
  await knex.schema.createTable('procedure_legal_citations', (t) => {
    t.comment('A procedure cites a legal document at an article (căn cứ pháp lý); printed on the sheet in position order.');
    t.increments('id');
    t.integer('procedure_id').notNullable().references('id').inTable('procedures').onDelete('CASCADE');
    t.integer('document_id').notNullable().references('id').inTable('legal_documents').onDelete('RESTRICT');
    t.string('article', 200).notNullable().defaultTo('').comment('Điều, khoản cited ("Điều 11"); empty: the whole document');
    t.integer('position').notNullable().defaultTo(0);
    t.unique(['procedure_id', 'document_id', 'article'], { indexName: 'procedure_legal_citations_uq' });
    t.index(['document_id'], 'procedure_legal_citations_document_idx');
  });
  await knex.schema.alterTable('procedure_versions', (t) => {
    t.integer('legal_document_id').references('id').inTable('legal_documents').onDelete('RESTRICT').comment('Published because this document changed');
    t.date('legal_change_date').comment('The day the change applies (Vietnam date)');
    t.string('due_date_policy', 30).comment("from-change-date | received-after: how running dossiers' due dates follow the change");
  });
  await knex.raw(
    `ALTER TABLE procedure_versions ADD CONSTRAINT procedure_versions_due_date_policy_ck CHECK (due_date_policy IS NULL OR due_date_policy IN ('from-change-date', 'received-after'))`,
  );
  await knex.schema.createTable('case_migrations', (t) => {
    t.comment(
      'A running case moved to another version of its process by an administrator (Zeebe process instance migration), or refused; due dates before and after.',
    );
    t.bigIncrements('id');
    t.bigInteger('process_instance_key').notNullable().comment('The case (root instance) or a called instance of it');
    t.bigInteger('root_process_instance_key').notNullable().comment('The case it belongs to');
    t.string('bpmn_process_id', 200).notNullable();
    t.integer('from_version').notNullable();
    t.integer('to_version').notNullable();
    t.bigInteger('to_process_definition_key').notNullable();
    t.string('outcome', 20).notNullable().comment('migrated | refused');
    t.string('reason_code', 60).comment('Why it was refused (an error code of lib/errors.ts)');
    t.jsonb('reason_params').notNullable().defaultTo('{}');
    t.text('reason_message').comment("The engine's words when it refused");
    t.jsonb('mapping').notNullable().defaultTo('[]').comment('[{sourceElementId, targetElementId}] sent to Zeebe');
    t.jsonb('dates').notNullable().defaultTo('{}').comment('appointment and step due dates before and after');
    t.string('actor', 100).notNullable();
    t.timestamp('at', { useTz: true }).notNullable().defaultTo(knex.raw('eiso_now()'));
    t.index(['root_process_instance_key'], 'case_migrations_root_idx');
  });
  await knex.raw(`CREATE UNIQUE INDEX case_migrations_once_uq ON case_migrations (process_instance_key, to_process_definition_key) WHERE outcome = 'migrated'`);

  // Free-text lines that name a document become documents and citations.
  const rows = (await knex('procedures').select('id', 'legal_basis')) as { id: number; legal_basis: string }[];
  for (const p of rows) {
    const lines = (p.legal_basis ?? '').split(/\r?\n/u);
    const kept: string[] = [];
    let position = 0;
    for (const line of lines) {
      const parsed = line.trim() ? parseLegalLine(line) : null;
      if (!parsed) {
        if (line.trim()) kept.push(line);
        continue;
      }
      await knex('legal_documents')
        .insert({ number: parsed.number, kind: parsed.kind, issuer: parsed.issuer, signed_on: parsed.signedOn, title: parsed.title })
        .onConflict('number')
        .ignore();
      const doc = await knex('legal_documents').where({ number: parsed.number }).first('id');
      await knex('procedure_legal_citations')
        .insert({ procedure_id: p.id, document_id: doc.id, article: parsed.article, position: position++ })
        .onConflict(['procedure_id', 'document_id', 'article'])
        .ignore();
    }
    if (position > 0)
      await knex('procedures')
        .where({ id: p.id })
        .update({ legal_basis: kept.join('\n') });
  }
}

export async function down(knex: Knex): Promise<void> {
  // The citations go back to free-text lines, before the note.
  const cited = (await knex('procedure_legal_citations as c')
    .join('legal_documents as d', 'd.id', 'c.document_id')
    .join('procedures as p', 'p.id', 'c.procedure_id')
    .orderBy(['c.procedure_id', 'c.position', 'c.id'])
    .select('c.procedure_id', 'c.article', 'd.kind', 'd.number', 'd.title', 'p.legal_basis')) as {
    procedure_id: number;
    article: string;
    kind: string;
    number: string;
    title: string;
    legal_basis: string;
  }[];
  const byProcedure = new Map<number, { lines: string[]; note: string }>();
  for (const c of cited) {
    const e = byProcedure.get(c.procedure_id) ?? { lines: [], note: c.legal_basis ?? '' };
    e.lines.push([c.article, KIND_NAMES[c.kind] ?? '', `số ${c.number}`, c.title].filter(Boolean).join(' '));
    byProcedure.set(c.procedure_id, e);
  }
  for (const [id, e] of byProcedure)
    await knex('procedures')
      .where({ id })
      .update({ legal_basis: [...e.lines, ...(e.note ? [e.note] : [])].join('\n') });
  await knex.schema.dropTable('case_migrations');
  await knex.raw('ALTER TABLE procedure_versions DROP CONSTRAINT IF EXISTS procedure_versions_due_date_policy_ck');
  await knex.schema.alterTable('procedure_versions', (t) => {
    t.dropColumn('due_date_policy');
    t.dropColumn('legal_change_date');
    t.dropColumn('legal_document_id');
  });
  await knex.schema.dropTable('procedure_legal_citations');
  await knex.schema.dropTable('legal_documents');
}
