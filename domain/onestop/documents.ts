import type { Knex } from 'knex';
import { keepUpload, type StoredUpload } from '../../lib/file-store.js';
import type { ProcedureRow } from './catalogue.js';
import type { ChecklistItem } from './reception.js';

type Db = Knex | Knex.Transaction;

/** A received file that passed the checks (api/routes/public/uploads.ts checkFiles), still in the temporary area. */
export interface CheckedFile {
  requirementCode: string | null;
  fileName: string;
  mime: string;
  upload: StoredUpload;
}

/** Moves checked files into the store and records them for the dossier (the same content twice in a stage: once). */
export async function saveFiles(
  trx: Knex.Transaction,
  filesRoot: string,
  dossierId: string,
  stage: 'submission' | 'supplement' | 'result',
  files: CheckedFile[],
  by: string,
): Promise<void> {
  for (const f of files) {
    const storagePath = await keepUpload(filesRoot, f.upload);
    await trx('dossier_documents')
      .insert({
        dossier_id: dossierId,
        requirement_code: f.requirementCode,
        stage,
        file_name: f.fileName,
        mime_type: f.mime,
        size_bytes: f.upload.size,
        sha256: f.upload.sha256,
        storage_path: storagePath,
        uploaded_by: by,
      })
      .onConflict(['dossier_id', 'stage', 'sha256'])
      .ignore();
  }
}

/** One document of a dossier (its row of dossier_documents), or undefined when the dossier has no such file. */
export async function findDossierDocument(
  db: Db,
  dossierId: string,
  docId: string,
): Promise<{ storage_path: string; mime_type: string; size_bytes: string | number; file_name: string } | undefined> {
  return db('dossier_documents').where({ id: docId, dossier_id: dossierId }).first();
}

/**
 * The checklist an online submission hands in: the required documents of the procedure with at least
 * one file sent for them (at submission or as a completion), each with the copies the catalogue asks for.
 */
export async function submittedChecklist(db: Db, dossierId: string, procedure: Pick<ProcedureRow, 'required_documents'>): Promise<ChecklistItem[]> {
  const files: { requirement_code: string | null }[] = await db('dossier_documents')
    .where({ dossier_id: dossierId })
    .whereIn('stage', ['submission', 'supplement'])
    .whereNotNull('requirement_code')
    .select('requirement_code');
  const counts = new Map<string, number>();
  for (const f of files) counts.set(f.requirement_code!, (counts.get(f.requirement_code!) ?? 0) + 1);
  // An electronic copy stands for the copies the catalogue asks for.
  return procedure.required_documents.filter((r) => counts.has(r.code)).map((r) => ({ code: r.code, copies: r.copies }));
}
