import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import type { ZeebeClient } from '../../engine/client.js';
import { deployProcess, BpmnValidationError } from '../../engine/deploy.js';
import { readBpmnFile, validateBpmn, type ValidationIssue, type ValidationResult } from '../../engine/validate.js';
import * as repo from './store.js';

/**
 * A procedure's life: created (blank or imported), its information edited, its draft checked and
 * published to Zeebe as a new version, a version retired. Each change and its event commit in one
 * transaction. A refusal is returned (nothing was written before it) and the caller answers it.
 */

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export interface NewProcedure {
  bpmnProcessId: string;
  name: string;
  code: string;
  purpose: string;
  scope: string;
  legalBasis: string;
  xml: string;
  forms: Record<string, unknown>;
  createdBy: number;
  /** Set when the XML came from a file the designer imported (the event records it). */
  imported?: { fileName: string | null };
}

/** Creates the procedure with its draft (revision 1) and its 'created' or 'imported' event; refused when the id is taken. */
export async function createProcedure(db: Knex, p: NewProcedure): Promise<{ refused: 'exists' } | { id: number }> {
  try {
    return await db.transaction(async (trx) => {
      if (await repo.findProcedure(trx, p.bpmnProcessId)) return { refused: 'exists' as const };
      const pid = await repo.insertProcedure(trx, {
        bpmn_process_id: p.bpmnProcessId,
        name: p.name,
        code: p.code,
        purpose: p.purpose,
        scope: p.scope,
        legal_basis: p.legalBasis,
        created_by: p.createdBy,
      });
      await repo.insertDraft(trx, { procedure_id: pid, xml: p.xml, forms: p.forms, updated_by: p.createdBy });
      await repo.insertEvent(trx, {
        procedure_id: pid,
        kind: p.imported ? 'imported' : 'created',
        actor_id: p.createdBy,
        details: p.imported ? { fileName: p.imported.fileName, bytes: Buffer.byteLength(p.xml), checksum: sha256(p.xml) } : {},
      });
      return { id: pid };
    });
  } catch (err) {
    // Two creates of the same id at once: the unique index decides.
    if ((err as { code?: string }).code === '23505') return { refused: 'exists' };
    throw err;
  }
}

/** Edits the information printed on the sheet and records which fields the request named. */
export async function editProcedureInfo(
  db: Knex,
  procedureId: number,
  fields: Partial<Pick<repo.ProcedureRow, 'name' | 'code' | 'purpose' | 'scope' | 'legal_basis'>>,
  named: string[],
  actorId: number,
): Promise<void> {
  await db.transaction(async (trx) => {
    await repo.updateProcedureInfo(trx, procedureId, fields);
    await repo.insertEvent(trx, { procedure_id: procedureId, kind: 'info-updated', actor_id: actorId, details: { fields: named } });
  });
}

/** validateBpmn with the organisation's units, plus: the file must hold this procedure's process, executable. */
export async function checkDraft(db: Knex, xml: string, bpmnProcessId: string): Promise<ValidationResult> {
  const result = await validateBpmn(xml, { unitCodes: await repo.unitCodes(db) });
  const file = await readBpmnFile(xml);
  if (!file.issue && !file.processes.some((x) => x.id === bpmnProcessId && x.isExecutable)) {
    result.errors.push({
      elementId: file.processes[0]?.id ?? '',
      rule: 'eiso/procedure-id',
      category: 'error',
      code: 'BPMN_PROCEDURE_PROCESS_MISSING',
      params: { process: bpmnProcessId },
      message: `Bản vẽ phải chứa quy trình thực thi có mã ${bpmnProcessId} / The diagram must contain the executable process ${bpmnProcessId}`,
    });
  }
  return result;
}

/** Why a publish was refused: no such procedure, the draft moved on since the designer loaded it, nothing changed since `version`, or the law change names no document of the register. */
export type PublishRefusal =
  | { refused: 'not_found' }
  | { refused: 'revision_conflict'; revision: number }
  | { refused: 'unchanged'; version: number }
  | { refused: 'unknown_document'; documentId: number };

/**
 * A version published because a legal document changed (issue 20): the document, the day the change
 * applies, and how the due dates of running dossiers follow it when they are moved to the version.
 */
export interface LegalChange {
  legalDocumentId: number;
  /** YYYY-MM-DD, Vietnam date */
  changeDate: string;
  dueDatePolicy: 'from-change-date' | 'received-after';
}

export interface Published {
  version: repo.VersionRow & { xml: string };
  deploymentKey: string;
  warnings: ValidationIssue[];
}

/**
 * Validates the draft and deploys it to Zeebe as a new version, recorded with its 'published' event.
 * `revision`: the draft revision the designer saw, when given. A failing validation throws
 * BpmnValidationError (the element ids) and keeps the draft.
 */
export async function publishDraft(
  db: Knex,
  zeebe: ZeebeClient,
  bpmnProcessId: string,
  o: { revision?: number; userId: number; legalChange?: LegalChange },
): Promise<PublishRefusal | Published> {
  return db.transaction(async (trx): Promise<PublishRefusal | Published> => {
    // One publish per procedure at a time: the row lock holds until the version is recorded.
    const p = await repo.findProcedure(trx, bpmnProcessId, { forUpdate: true });
    if (!p) return { refused: 'not_found' };
    const draft = (await repo.findDraft(trx, p.id))!;
    if (o.revision !== undefined && o.revision !== draft.revision) return { refused: 'revision_conflict', revision: draft.revision };
    const checksum = sha256(draft.xml);
    const latest = (await repo.listVersions(trx, p.id))[0];
    if (latest && latest.checksum === checksum) return { refused: 'unchanged', version: latest.version };
    if (o.legalChange && !(await trx('legal_documents').where({ id: o.legalChange.legalDocumentId }).first('id')))
      return { refused: 'unknown_document', documentId: o.legalChange.legalDocumentId };
    const result = await checkDraft(db, draft.xml, p.bpmn_process_id);
    if (result.errors.length > 0) throw new BpmnValidationError(result.errors);
    const deployed = await deployProcess(zeebe, trx, { resourceName: `${p.bpmn_process_id}.bpmn`, xml: draft.xml, forms: draft.forms, deployedBy: o.userId });
    const ours = deployed.processes.find((x) => x.bpmnProcessId === p.bpmn_process_id)!;
    await repo.insertVersion(trx, {
      procedure_id: p.id,
      version: ours.version,
      process_definition_key: ours.processDefinitionKey,
      forms: draft.forms,
      checksum,
      draft_revision: draft.revision,
      published_by: o.userId,
      ...(o.legalChange
        ? { legal_document_id: o.legalChange.legalDocumentId, legal_change_date: o.legalChange.changeDate, due_date_policy: o.legalChange.dueDatePolicy }
        : {}),
    });
    await repo.insertEvent(trx, {
      procedure_id: p.id,
      kind: 'published',
      version: ours.version,
      actor_id: o.userId,
      details: {
        deploymentKey: deployed.deploymentKey,
        processDefinitionKey: ours.processDefinitionKey,
        draftRevision: draft.revision,
        ...(o.legalChange ? { legalChange: o.legalChange } : {}),
      },
    });
    const v = (await repo.findVersion(trx, p.id, ours.version))!;
    return { version: v, deploymentKey: deployed.deploymentKey, warnings: result.warnings };
  });
}

/** Retires a version (running instances continue, no new ones start), with its 'retired' event; returns the version as it is now. */
export async function retireProcedureVersion(
  db: Knex,
  procedureId: number,
  version: number,
  userId: number,
): Promise<{ refused: 'no_version' } | { refused: 'already_retired' } | { version: repo.VersionRow & { xml: string } }> {
  return db.transaction(async (trx) => {
    const existing = await repo.findVersion(trx, procedureId, version);
    if (!existing) return { refused: 'no_version' as const };
    if (!(await repo.retireVersion(trx, procedureId, version, userId))) return { refused: 'already_retired' as const };
    await repo.insertEvent(trx, { procedure_id: procedureId, kind: 'retired', version, actor_id: userId });
    return { version: (await repo.findVersion(trx, procedureId, version))! };
  });
}
