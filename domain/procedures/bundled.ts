import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import type { ZeebeClient } from '../../engine/client.js';
import { deployProcess } from '../../engine/deploy.js';
import { readBpmnFile } from '../../engine/validate.js';
import type { BundledFile, BundledSheet } from '../../engine/bundled.js';
import { appendDocumentCitations, LEGAL_DOCUMENT_KINDS, type DocumentCitation, type LegalDocumentKind } from './legal-documents.js';
import * as repo from './store.js';

/**
 * The processes the platform ships (processes/*.bpmn and the forms they name) are procedures of the
 * modeler (issue 16, item 1). At every start each bundled file is imported once per content hash
 * (the BPMN and its forms), under a per-process advisory lock so that two API processes starting at
 * once import it once:
 * - no procedure yet: the procedure is created (marked with its file), the file is its draft and is
 *   published as its first version;
 * - a release already seen (same hash): nothing;
 * - a new release while every version is a bundled one and the draft is what was last published: it is
 *   published as the next version (the designer never changed this procedure);
 * - a new release after the designer published a version of their own, or with unpublished changes in
 *   the draft: nothing is deployed and the draft is left alone; the release is offered, to be loaded
 *   into the draft (reviewed, diffed, published like any draft) or dismissed.
 * The procedure's sheet fields (code, purpose, scope, legal basis: the documents cited, added to the
 * register of legal documents, and a note) are filled from the folder's procedure-sheets.json once
 * (fillBundledSheet), never over what a designer wrote.
 */

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

/** Object keys sorted at every level: the same forms give the same hash whatever the key order. */
function stable(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stable);
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, stable((v as Record<string, unknown>)[k])]),
    );
  return v;
}

/** The content hash a release is keyed by: the BPMN file and its forms. */
export const releaseChecksum = (f: Pick<BundledFile, 'xml' | 'forms'>) => sha256(`${f.xml}\n${JSON.stringify(stable(f.forms))}`);

export type BundledOutcome =
  { bpmnProcessId: string; outcome: 'created' | 'published'; version: number } | { bpmnProcessId: string; outcome: 'offered' | 'unchanged' };

/** Imports every given bundled file (see above); the outcome per file, in the given order. */
export async function importBundledProcedures(db: Knex, zeebe: ZeebeClient, files: BundledFile[]): Promise<BundledOutcome[]> {
  const out: BundledOutcome[] = [];
  // The projector may record a version at the moment we deploy it: insertProcessDefinition arbitrates that.
  for (const f of files) {
    out.push(await importOne(db, zeebe, f));
    if (f.sheet) await fillBundledSheet(db, f.bpmnProcessId, f.resourceName, f.sheet);
  }
  return out;
}

/** Marks the one fill of a shipped procedure's sheet fields (an info-updated event without actor). */
const SHEET_FILL_SOURCE = 'bundled-sheet';
/** Marks the one conversion of a legal basis filled as free text by an earlier release into citations. */
const CITATIONS_FILL_SOURCE = 'bundled-citations';

const asKind = (k: string): LegalDocumentKind => ((LEGAL_DOCUMENT_KINDS as readonly string[]).includes(k) ? (k as LegalDocumentKind) : 'other');
const citationsOf = (sheet: BundledSheet): DocumentCitation[] => sheet.citations.map((c) => ({ ...c, kind: asKind(c.kind) }));

/**
 * Fills the sheet fields of a shipped procedure (mã hiệu, mục đích, phạm vi áp dụng, căn cứ pháp lý)
 * from its bundled description, once: only the fields still empty, and never again after the first
 * fill (recorded as an info-updated event with source bundled-sheet), so a designer's edit, even
 * emptying a field, stays. The legal basis is the documents cited (added to the register, an existing
 * number reused) when the procedure cites none yet, and the note into legal_basis when it is empty.
 *
 * A procedure filled by an earlier release (its fill event records no citations) whose legal_basis is
 * still exactly the free-text lines that release wrote and that cites nothing is converted once: its
 * citations are inserted and the note replaces those lines (an info-updated event with source
 * bundled-citations, recorded whether or not the procedure qualified, so it is decided once).
 * The names of the fields filled, empty when nothing was done.
 */
export async function fillBundledSheet(db: Knex, bpmnProcessId: string, resourceName: string, sheet: BundledSheet): Promise<string[]> {
  return db.transaction(async (trx) => {
    const p = await trx('procedures').where({ bpmn_process_id: bpmnProcessId }).whereNotNull('bundled_file').forUpdate().first();
    if (!p) return [];
    const cites = async () => Boolean(await trx('procedure_legal_citations').where({ procedure_id: p.id }).first('id'));
    /** The fill's record (what decides that it is done): the fields written and the citations inserted. */
    const recordFill = async (source: string, fields: string[], written: unknown[]) => {
      await repo.insertEvent(trx, {
        procedure_id: p.id,
        kind: 'info-updated',
        actor_id: null,
        details: { fields, source, bundledFile: resourceName, citations: written },
      });
      return fields;
    };
    const done = await trx('procedure_events')
      .where({ procedure_id: p.id, kind: 'info-updated' })
      .whereRaw(`details->>'source' = ?`, [SHEET_FILL_SOURCE])
      .first('id', 'details');
    if (done) {
      if (done.details && 'citations' in done.details) return [];
      const converted = await trx('procedure_events')
        .where({ procedure_id: p.id, kind: 'info-updated' })
        .whereRaw(`details->>'source' = ?`, [CITATIONS_FILL_SOURCE])
        .first('id');
      if (converted) return [];
      const former = sheet.formerLegalBasis.join('\n');
      const qualifies = former !== '' && sheet.citations.length > 0 && p.legal_basis === former && !(await cites());
      const written = qualifies ? await appendDocumentCitations(trx, p.id, citationsOf(sheet)) : [];
      if (qualifies) await repo.updateProcedureInfo(trx, p.id, { legal_basis: sheet.legalNote });
      const fields = qualifies ? ['citations', 'legalBasis'] : [];
      return recordFill(CITATIONS_FILL_SOURCE, fields, written);
    }
    const wanted: Record<'code' | 'purpose' | 'scope' | 'legal_basis', string> = {
      code: sheet.code.slice(0, 50),
      purpose: sheet.purpose,
      scope: sheet.scope,
      legal_basis: sheet.legalNote,
    };
    const patch = Object.fromEntries(Object.entries(wanted).filter(([k, v]) => v && !String(p[k] ?? '').trim()));
    const fields = Object.keys(patch).map((k) => (k === 'legal_basis' ? 'legalBasis' : k));
    if (fields.length) await repo.updateProcedureInfo(trx, p.id, patch);
    const written = sheet.citations.length && !(await cites()) ? await appendDocumentCitations(trx, p.id, citationsOf(sheet)) : [];
    if (written.length) fields.push('citations');
    return recordFill(SHEET_FILL_SOURCE, fields, written);
  });
}

async function importOne(db: Knex, zeebe: ZeebeClient, f: BundledFile): Promise<BundledOutcome> {
  const checksum = releaseChecksum(f);
  const id = f.bpmnProcessId;
  return db.transaction(async (trx): Promise<BundledOutcome> => {
    await trx.raw(`SELECT pg_advisory_xact_lock(hashtext(?))`, [`eiso-bundled:${id}`]);
    if (await trx('procedure_bundled_releases').where({ bpmn_process_id: id, checksum }).first('id')) return { bpmnProcessId: id, outcome: 'unchanged' };
    const existing = await repo.findProcedure(trx, id, { forUpdate: true });
    if (!existing) {
      const file = await readBpmnFile(f.xml);
      const name = (file.issue ? undefined : file.processes.find((x) => x.id === id)?.name) || id;
      const [row] = await trx('procedures')
        .insert({ bpmn_process_id: id, name, code: '', purpose: '', scope: '', legal_basis: '', created_by: null, bundled_file: f.resourceName })
        .returning('id');
      await trx('procedure_drafts').insert({ procedure_id: row.id, xml: f.xml, forms: JSON.stringify(f.forms), revision: 1, updated_by: null });
      await repo.insertEvent(trx, {
        procedure_id: row.id,
        kind: 'imported',
        actor_id: null,
        details: { bundledFile: f.resourceName, bytes: Buffer.byteLength(f.xml), checksum: sha256(f.xml) },
      });
      const version = await publishRelease(trx, zeebe, row.id, f, checksum, 1);
      return { bpmnProcessId: id, outcome: 'created', version };
    }
    const versions = await repo.listVersions(trx, existing.id);
    const draft = (await repo.findDraft(trx, existing.id))!;
    const shipped = new Set((await trx('procedure_bundled_releases').where({ procedure_id: existing.id, outcome: 'published' }).pluck('version')) as number[]);
    const designersOwn = versions.some((v) => !shipped.has(v.version));
    const draftAsPublished = versions.length > 0 && versions[0].checksum === sha256(draft.xml);
    if (!designersOwn && draftAsPublished) {
      const saved = await repo.saveDraft(trx, existing.id, draft.revision, f.xml, f.forms, null);
      if (!saved) throw new Error(`draft of ${id} changed under its lock`);
      const version = await publishRelease(trx, zeebe, existing.id, f, checksum, draft.revision + 1);
      return { bpmnProcessId: id, outcome: 'published', version };
    }
    // Offered: an older offer still waiting is superseded by this one.
    await trx('procedure_bundled_releases')
      .where({ procedure_id: existing.id, outcome: 'offered' })
      .update({ outcome: 'dismissed', decided_at: trx.raw('eiso_now()') });
    const [offer] = await trx('procedure_bundled_releases')
      .insert({
        procedure_id: existing.id,
        bpmn_process_id: id,
        resource_name: f.resourceName,
        checksum,
        xml: f.xml,
        forms: JSON.stringify(f.forms),
        outcome: 'offered',
      })
      .returning('id');
    await repo.insertEvent(trx, {
      procedure_id: existing.id,
      kind: 'bundled-offered',
      actor_id: null,
      details: { bundledFile: f.resourceName, checksum, offer: offer.id, reason: designersOwn ? 'designer-version' : 'draft-changed' },
    });
    return { bpmnProcessId: id, outcome: 'offered' };
  });
}

/** Deploys the release as the procedure's next version (the draft holds it at `draftRevision`) and records it. */
async function publishRelease(trx: Knex.Transaction, zeebe: ZeebeClient, procedureId: number, f: BundledFile, checksum: string, draftRevision: number) {
  const deployed = await deployProcess(zeebe, trx, { resourceName: f.resourceName, xml: f.xml, forms: f.forms, deployedBy: null });
  const ours = deployed.processes.find((x) => x.bpmnProcessId === f.bpmnProcessId);
  if (!ours) throw new Error(`${f.resourceName} holds no process ${f.bpmnProcessId}`);
  await repo.insertVersion(trx, {
    procedure_id: procedureId,
    version: ours.version,
    process_definition_key: ours.processDefinitionKey,
    forms: f.forms,
    checksum: sha256(f.xml),
    draft_revision: draftRevision,
    published_by: null,
  });
  await repo.insertEvent(trx, {
    procedure_id: procedureId,
    kind: 'published',
    version: ours.version,
    actor_id: null,
    details: { bundledFile: f.resourceName, deploymentKey: deployed.deploymentKey, processDefinitionKey: ours.processDefinitionKey, draftRevision },
  });
  await trx('procedure_bundled_releases')
    .insert({
      procedure_id: procedureId,
      bpmn_process_id: f.bpmnProcessId,
      resource_name: f.resourceName,
      checksum,
      xml: f.xml,
      forms: JSON.stringify(f.forms),
      outcome: 'published',
      version: ours.version,
    })
    .onConflict(['bpmn_process_id', 'checksum'])
    .ignore();
  return ours.version;
}

export interface BundledOffer {
  id: number;
  checksum: string;
  xml: string;
  forms: Record<string, unknown>;
  created_at: Date;
}

/** The release waiting for the designer's review, if any. */
export async function pendingOffer(db: Knex | Knex.Transaction, procedureId: number): Promise<BundledOffer | undefined> {
  return db('procedure_bundled_releases')
    .where({ procedure_id: procedureId, outcome: 'offered' })
    .orderBy('id', 'desc')
    .first('id', 'checksum', 'xml', 'forms', 'created_at');
}

/**
 * The designer's answer to an offered release: 'accept' loads it into the draft (a new revision; the
 * designer reviews, diffs against the published version and publishes it like any draft), 'dismiss'
 * keeps the draft. Refused when that offer is not (or no longer) waiting, or when the draft moved on
 * since the designer loaded it (`revision`).
 */
export async function answerOffer(
  db: Knex,
  procedureId: number,
  offerId: number,
  answer: 'accept' | 'dismiss',
  o: { userId: number; revision: number },
): Promise<{ refused: 'no_offer' } | { refused: 'revision_conflict'; revision: number } | { ok: true }> {
  return db.transaction(async (trx) => {
    const offer = await trx('procedure_bundled_releases')
      .where({ id: offerId, procedure_id: procedureId, outcome: 'offered' })
      .forUpdate()
      .first('id', 'xml', 'forms', 'checksum', 'resource_name');
    if (!offer) return { refused: 'no_offer' as const };
    const draft = (await repo.findDraft(trx, procedureId))!;
    if (draft.revision !== o.revision) return { refused: 'revision_conflict' as const, revision: draft.revision };
    if (answer === 'accept') {
      if (!(await repo.saveDraft(trx, procedureId, draft.revision, offer.xml, offer.forms, o.userId)))
        return { refused: 'revision_conflict' as const, revision: draft.revision };
    }
    await trx('procedure_bundled_releases')
      .where({ id: offer.id })
      .update({ outcome: answer === 'accept' ? 'accepted' : 'dismissed', decided_by: o.userId, decided_at: trx.raw('eiso_now()') });
    await repo.insertEvent(trx, {
      procedure_id: procedureId,
      kind: answer === 'accept' ? 'bundled-accepted' : 'bundled-dismissed',
      actor_id: o.userId,
      details: { bundledFile: offer.resource_name, checksum: offer.checksum, offer: offer.id },
    });
    return { ok: true as const };
  });
}

/**
 * The version a one-stop dossier or an ISO record starts: the procedure's newest published version
 * (what the designer last published; versions deployed by other clients do not take its place).
 * Null when the process is no procedure or has no published version (the caller then starts the latest).
 */
export async function publishedVersionToStart(db: Knex | Knex.Transaction, bpmnProcessId: string): Promise<number | null> {
  const row = await db('procedure_versions as v')
    .join('procedures as p', 'p.id', 'v.procedure_id')
    .where({ 'p.bpmn_process_id': bpmnProcessId, 'v.state': 'published' })
    .max<{ max: number | null }>('v.version as max')
    .first();
  return row?.max ?? null;
}
