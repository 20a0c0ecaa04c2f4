import { timingSafeEqual, createHash } from 'node:crypto';
import type { Knex } from 'knex';
import { instantAt, addDays, toLocalIso } from '../deadlines/calendar/index.js';
import type { EvaluationAggregate, EvaluationBody, EvaluationForm, EvaluationResults } from '../../api/schemas/onestop-stats.js';
import { insertEvent } from './dossiers.js';
import type { DossierStatus } from './status.js';
import { DomainError, type ErrorCode, type ErrorParams } from '../../lib/errors.js';
import * as clock from '../../lib/clock.js';

/**
 * Satisfaction evaluation after the result (vn-rules §5.1, seeds FR-O-09, FR-E-*): once per dossier, by the
 * holder of the dossier's lookup token, only once the result was returned (RETURNED, or NOT_ELIGIBLE and
 * returned); overall, per stage (receipt, processing, return) and per officer who worked the dossier.
 */

/** A refusal of the evaluation pages: a DomainError (code and params), answered by the one error handler. */
export class EvaluationError extends DomainError {
  constructor(status: 400 | 404 | 409, code: ErrorCode, params: ErrorParams, message: string) {
    super(code, params, message, status);
    this.name = 'EvaluationError';
  }
}

/** Same answer for an unknown code and a wrong token: no oracle for dossier codes. */
export const NOT_FOUND = 'Không tìm thấy hồ sơ hoặc mã tra cứu không đúng / No such dossier, or the lookup key is wrong';

/** Constant-time comparison of the lookup token (hashes first, so lengths do not leak). */
export function tokenMatches(expected: string, given: string): boolean {
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(given).digest();
  return timingSafeEqual(a, b);
}

interface DossierRow {
  id: string;
  code: string;
  status: string;
  lookup_token: string;
  agency_code: string;
  desk_unit_code: string;
  procedure_code: string;
  procedure_name: string;
  agency_name: string;
  process_instance_key: string | null;
  received_by: string | null;
  returned_at: Date | null;
}

/** The dossier a citizen's (code, token) pair opens, or undefined (unknown code or wrong token alike). */
export async function dossierByToken(db: Knex | Knex.Transaction, code: string, token: string): Promise<DossierRow | undefined> {
  const row = await db('dossiers as d')
    .leftJoin('onestop_procedures as p', 'p.code', 'd.procedure_code')
    .leftJoin('org_units as o', 'o.code', 'd.agency_code')
    .where('d.code', code)
    .first(
      'd.id',
      'd.code',
      'd.status',
      'd.lookup_token',
      'd.agency_code',
      'd.desk_unit_code',
      'd.procedure_code',
      'd.process_instance_key',
      'd.received_by',
      'd.returned_at',
      db.raw('coalesce(p.name, d.procedure_code) AS procedure_name'),
      db.raw('coalesce(o.name, p.agency_name, d.agency_code) AS agency_name'),
    );
  // Compare even when the code is unknown, so both cases take the same time.
  const ok = tokenMatches(row?.lookup_token ?? 'x'.repeat(43), token);
  return row && ok
    ? { ...row, id: String(row.id), process_instance_key: row.process_instance_key === null ? null : String(row.process_instance_key) }
    : undefined;
}

const returned = (d: DossierRow) => d.status === 'RETURNED' || (d.status === 'NOT_ELIGIBLE' && d.returned_at !== null);

/** Where the dossier's one evaluation stands: not yet possible (no result returned), open, or done. */
export async function evaluationState(db: Knex, d: Pick<DossierRow, 'id' | 'status' | 'returned_at'>): Promise<'not-returned' | 'open' | 'done'> {
  if (!returned(d as DossierRow)) return 'not-returned';
  return (await evaluated(db, String(d.id))) ? 'done' : 'open';
}

export type Stage = 'receipt' | 'processing' | 'return';

/**
 * The officers who worked the dossier and their stages: the receiving officer (receipt), and whoever
 * completed a human step of its process (inbox_tasks.completed_by): a step of the one-stop desk is the
 * receipt when it is the desk's first, the return otherwise; any other unit's step is processing.
 */
export async function dossierOfficers(db: Knex | Knex.Transaction, d: DossierRow): Promise<{ key: string; name: string; stages: Stage[] }[]> {
  const stages = new Map<string, Set<Stage>>();
  const addStage = (u: string, s: Stage) => (stages.get(u) ?? stages.set(u, new Set()).get(u)!).add(s);
  if (d.received_by) addStage(d.received_by, 'receipt');
  if (d.process_instance_key) {
    const tasks: { completed_by: string; candidate_groups: string[] }[] = await db('inbox_tasks')
      .where({ process_instance_key: d.process_instance_key, status: 'completed' })
      .whereNotNull('completed_by')
      .orderBy('completed_at', 'asc')
      .select('completed_by', 'candidate_groups');
    let deskSeen = false;
    for (const t of tasks) {
      const atDesk = t.candidate_groups.some((g) => g.split('/')[0] === d.desk_unit_code);
      if (atDesk) {
        addStage(t.completed_by, deskSeen || d.received_by ? 'return' : 'receipt');
        deskSeen = true;
      } else addStage(t.completed_by, 'processing');
    }
  }
  const names = new Map<string, string>(
    (
      await db('users')
        .whereIn('username', [...stages.keys()])
        .select('username', 'full_name')
    ).map((u: { username: string; full_name: string }) => [u.username, u.full_name]),
  );
  const order: Stage[] = ['receipt', 'processing', 'return'];
  return [...stages.entries()].map(([key, s]) => ({ key, name: names.get(key) ?? key, stages: order.filter((x) => s.has(x)) }));
}

async function evaluated(db: Knex | Knex.Transaction, dossierId: string): Promise<boolean> {
  return !!(await db('dossier_evaluations').where({ dossier_id: dossierId }).first('id'));
}

const ALREADY = 'Hồ sơ này đã được đánh giá, mỗi hồ sơ chỉ đánh giá một lần / This dossier has already been evaluated: one evaluation per dossier';
const NOT_YET = 'Hồ sơ chưa được trả kết quả nên chưa thể đánh giá / The result has not been returned yet, so the dossier cannot be evaluated';

export async function evaluationForm(db: Knex, code: string, token: string): Promise<EvaluationForm> {
  const d = await dossierByToken(db, code, token);
  if (!d) throw new EvaluationError(404, 'LOOKUP_NOT_FOUND', {}, NOT_FOUND);
  const done = await evaluated(db, d.id);
  const ready = returned(d);
  return {
    code: d.code,
    procedureName: d.procedure_name,
    agencyName: d.agency_name,
    status: d.status,
    canEvaluate: ready && !done,
    evaluated: done,
    reason: done ? ALREADY : ready ? null : NOT_YET,
    reasonCode: done ? 'EVALUATION_DONE' : ready ? null : 'EVALUATION_NOT_YET',
    officers: ready ? await dossierOfficers(db, d) : [],
  };
}

export async function submitEvaluation(db: Knex, code: string, body: EvaluationBody): Promise<{ code: string; submittedAt: string }> {
  return db.transaction(async (trx) => {
    const d = await dossierByToken(trx, code, body.token);
    if (!d) throw new EvaluationError(404, 'LOOKUP_NOT_FOUND', {}, NOT_FOUND);
    await trx('dossiers').where({ id: d.id }).forUpdate().first('id');
    if (await evaluated(trx, d.id)) throw new EvaluationError(409, 'EVALUATION_DONE', {}, ALREADY);
    if (!returned(d)) throw new EvaluationError(409, 'EVALUATION_NOT_YET', {}, NOT_YET);
    const officers = await dossierOfficers(trx, d);
    const known = new Map(officers.map((o) => [o.key, o]));
    const given = new Map<string, number>();
    for (const o of body.officers) {
      if (!known.has(o.key))
        throw new EvaluationError(
          400,
          'EVALUATION_OFFICER_UNKNOWN',
          { officer: o.key },
          `Cán bộ ${o.key} không xử lý hồ sơ này / Officer ${o.key} did not work on this dossier`,
        );
      if (given.has(o.key))
        throw new EvaluationError(400, 'EVALUATION_OFFICER_TWICE', { officer: o.key }, `Cán bộ ${o.key} được chấm hai lần / Officer ${o.key} is scored twice`);
      given.set(o.key, o.score);
    }
    const missing = officers.filter((o) => !given.has(o.key));
    if (missing.length)
      throw new EvaluationError(
        400,
        'EVALUATION_OFFICERS_MISSING',
        { officers: missing.map((m) => m.name).join(', ') },
        `Thiếu đánh giá cho cán bộ: ${missing.map((m) => m.name).join(', ')} / Missing scores for: ${missing.map((m) => m.key).join(', ')}`,
      );
    const now = clock.now();
    const [row] = await trx('dossier_evaluations')
      .insert({
        dossier_id: d.id,
        agency_code: d.agency_code,
        procedure_code: d.procedure_code,
        overall: body.overall,
        receipt: body.receipt,
        processing: body.processing,
        return_stage: body.returnStage,
        comment: body.comment?.trim() || null,
        submitted_at: now,
      })
      .onConflict('dossier_id')
      .ignore()
      .returning('id');
    if (!row) throw new EvaluationError(409, 'EVALUATION_DONE', {}, ALREADY);
    if (officers.length) {
      await trx('dossier_evaluation_officers').insert(
        officers.map((o) => ({ evaluation_id: row.id, username: o.key, stages: o.stages, score: given.get(o.key)! })),
      );
    }
    await insertEvent(trx, d.id, {
      type: 'evaluation.submitted',
      status: d.status as DossierStatus,
      at: now,
      actor: 'citizen',
      data: { overall: body.overall },
      dedupeKey: `evaluation-${row.id}`,
    });
    return { code: d.code, submittedAt: toLocalIso(now) };
  });
}

const round = (n: number | string | null, digits = 2) => (n === null ? 0 : Math.round(Number(n) * 10 ** digits) / 10 ** digits);

/**
 * Aggregates per agency and procedure (public: counts, means, share satisfied; no dossier, comment or
 * person), and per officer when `withOfficers` (for leaders, within their scope).
 */
export async function evaluationResults(
  db: Knex,
  f: { from?: string; to?: string; agencyCodes: string[] | null; withOfficers: boolean },
): Promise<EvaluationResults> {
  const base = () => {
    const q = db('dossier_evaluations as e');
    if (f.from) q.where('e.submitted_at', '>=', instantAt(f.from, 0));
    if (f.to) q.where('e.submitted_at', '<', instantAt(addDays(f.to, 1), 0));
    if (f.agencyCodes) q.whereIn('e.agency_code', f.agencyCodes);
    return q;
  };
  const measures = [
    db.raw('count(*)::int AS count'),
    db.raw('avg(e.overall) AS overall'),
    db.raw('avg(e.receipt) AS receipt'),
    db.raw('avg(e.processing) AS processing'),
    db.raw('avg(e.return_stage) AS return_stage'),
    db.raw('100.0 * count(*) FILTER (WHERE e.overall >= 4) / nullif(count(*), 0) AS satisfied'),
  ];
  const toAgg = (r: Record<string, any>, key: string, label: string): EvaluationAggregate => ({
    key,
    label,
    count: r.count ?? 0,
    overall: round(r.overall),
    receipt: round(r.receipt),
    processing: round(r.processing),
    returnStage: round(r.return_stage),
    satisfiedPct: round(r.satisfied, 1),
  });
  const total = await base().first(measures);
  const byAgency = await base()
    .leftJoin('org_units as o', 'o.code', 'e.agency_code')
    .groupBy('e.agency_code', 'o.name')
    .select('e.agency_code as key', 'o.name as label', ...measures)
    .orderBy('e.agency_code');
  const byProcedure = await base()
    .leftJoin('onestop_procedures as p', 'p.code', 'e.procedure_code')
    .groupBy('e.procedure_code', 'p.name')
    .select('e.procedure_code as key', 'p.name as label', ...measures)
    .orderBy('e.procedure_code');
  const out: EvaluationResults = {
    from: f.from ?? null,
    to: f.to ?? null,
    total: toAgg(total ?? {}, 'total', 'Tổng số'),
    byAgency: byAgency.map((r: Record<string, any>) => toAgg(r, r.key, r.label ?? r.key)),
    byProcedure: byProcedure.map((r: Record<string, any>) => toAgg(r, r.key, r.label ?? r.key)),
  };
  if (f.withOfficers) {
    const rows = await base()
      .join('dossier_evaluation_officers as eo', 'eo.evaluation_id', 'e.id')
      .leftJoin('users as u', 'u.username', 'eo.username')
      .leftJoin('org_units as o', 'o.id', 'u.unit_id')
      .groupBy('eo.username', 'u.full_name', 'o.code')
      .select(
        'eo.username as key',
        'u.full_name as label',
        'o.code as unit_code',
        db.raw('count(*)::int AS count'),
        db.raw('avg(eo.score) AS score'),
        db.raw('100.0 * count(*) FILTER (WHERE eo.score >= 4) / count(*) AS satisfied'),
      )
      .orderBy('eo.username');
    out.byOfficer = rows.map((r: Record<string, any>) => ({
      key: r.key,
      label: r.label ?? r.key,
      unitCode: r.unit_code ?? '',
      count: r.count,
      score: round(r.score),
      satisfiedPct: round(r.satisfied, 1),
    }));
  }
  return out;
}
