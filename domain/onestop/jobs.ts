import type { Knex } from 'knex';
import { deployedModel } from '../../engine/model-meta.js';
import type { DossierRow } from './dossiers.js';
import { boundRecord, type Binding } from '../../engine/process-binding.js';

/** What the onestop-* workers read from a Zeebe job. */
export interface OnestopJob {
  key: string;
  elementId: string;
  elementInstanceKey: string;
  processInstanceKey: string;
  processDefinitionKey: string;
  bpmnProcessId: string;
  processDefinitionVersion: number;
  variables: Record<string, unknown>;
  customHeaders: Record<string, unknown>;
}

/** Task headers of the onestop-* service tasks (processes/ONESTOP.md). */
export const ONESTOP_HEADER = {
  status: 'onestop.status',
  event: 'onestop.event',
  /** optional: the step name shown to the citizen (default: the service task's name) */
  step: 'onestop.step',
  /** optional: the unit handling the dossier from now on */
  unit: 'onestop.unit',
  transferTo: 'onestop.transferTo',
  timeLimit: 'eiso.timeLimit',
} as const;

export const header = (job: OnestopJob, key: string): string | undefined => {
  const v = job.customHeaders[key];
  return typeof v === 'string' && v.trim() ? v.trim() : undefined;
};

export const variable = (job: OnestopJob, key: string): string | undefined => {
  const v = job.variables[key];
  return typeof v === 'string' && v.trim() ? v.trim() : typeof v === 'number' ? String(v) : undefined;
};

/**
 * The dossier of the job: the one reception bound to the job's (root) process instance
 * (dossiers.process_instance_key, recorded by the outbox continuation of the start). The variables
 * dossierId / dossierCode are never used to find it: anyone who starts an instance or completes a
 * task sets variables (engine/process-binding.ts).
 */
export async function jobDossier(db: Knex, job: OnestopJob): Promise<Binding<DossierRow>> {
  return boundRecord<DossierRow>(db, 'dossiers', job, { vi: 'hồ sơ một cửa', en: 'one-stop dossier' });
}

/** The step name the citizen sees: header onestop.step, else the element's name in the deployed model, else its id. */
export async function stepName(db: Knex, job: OnestopJob): Promise<string> {
  const named = header(job, ONESTOP_HEADER.step);
  if (named) return named;
  const model = await deployedModel(db, {
    processDefinitionKey: String(job.processDefinitionKey),
    bpmnProcessId: job.bpmnProcessId,
    version: job.processDefinitionVersion,
  }).catch(() => null);
  return model?.elements.get(job.elementId)?.name || job.elementId;
}
