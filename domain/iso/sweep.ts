import type { Knex } from 'knex';
import type { ZeebeClient } from '../../engine/client.js';
import { openNonconformitiesForLateCases, startPendingNonconformities } from './nonconformities.js';
import { ensureProposalStarted, startPendingVersions } from './documents.js';
import { ensureComplaintStarted } from './complaints.js';
import { ensureAuditStarted } from './audits.js';
import { ensureReviewStarted } from './reviews.js';
import { ensureRiskStarted } from './risks.js';

/** One pass: late cases get their nonconformity, records left without a process get one. */
export async function isoSweep(db: Knex, zeebe: ZeebeClient): Promise<{ lateCases: number; started: number }> {
  const late = await openNonconformitiesForLateCases(db, zeebe);
  let started = (await startPendingNonconformities(db, zeebe)) + (await startPendingVersions(db, zeebe));
  for (const id of await db('iso_complaints').whereNull('process_instance_key').limit(50).pluck('id'))
    await ensureComplaintStarted(db, zeebe, String(id)).then(() => started++);
  for (const id of await db('iso_audits').whereNull('process_instance_key').limit(50).pluck('id'))
    await ensureAuditStarted(db, zeebe, String(id)).then(() => started++);
  for (const id of await db('iso_reviews').whereNull('process_instance_key').limit(50).pluck('id'))
    await ensureReviewStarted(db, zeebe, String(id)).then(() => started++);
  for (const id of await db('iso_document_proposals').whereNull('process_instance_key').limit(50).pluck('id'))
    await ensureProposalStarted(db, zeebe, String(id)).then(() => started++);
  for (const id of await db('iso_risks').whereNull('process_instance_key').limit(50).pluck('id'))
    await ensureRiskStarted(db, zeebe, String(id)).then(() => started++);
  return { lateCases: late.length, started };
}
