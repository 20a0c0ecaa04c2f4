import type { Knex } from 'knex';
import { localDateOf } from '../deadlines/calendar/index.js';
import { caseFactsQuery, casesWithLateness } from './case-lateness.js';
import { lateness, LATE, ON_TIME, type Lateness } from './lateness.js';
import * as clock from '../../lib/clock.js';

/**
 * Evaluation of the one-stop service (issue 17 item 11; vn-rules §5.1, §5.2):
 * - per dossier, the nine indicators of the evaluation tool (TT 01/2018, kept by Decree 118/2025), each
 *   scored 2 / 1 / 0, 18 points at most; an agency's rating from the mean of its dossiers' totals;
 * - the 100-point service index of QĐ 766/QĐ-TTg in its five groups.
 *
 * Each indicator and group says what it rests on (`basis`): 'platform' when the platform holds all the
 * data, 'partial' when part of the legal criterion needs data from outside (posting at the desk, online
 * payment, which procedures are decided at the desk, complaints to other bodies); the score then counts
 * only what the platform knows and never gives the points that need the outside data.
 *
 * The pure scoring functions are exported for the unit lane; `serviceIndex` loads the facts of a period.
 */

export type Points = 0 | 1 | 2;
export type Basis = 'platform' | 'partial';
/** A finished dossier's time outcome by II.06a (lateness.ts); a withdrawn dossier has none. */
export type TimeOutcome = 'early' | 'on_time' | 'late';

/** Indicator 1: total resolution time against the legal time: shorter 2, equal 1, longer 0. */
export function scoreTotalTime(o: TimeOutcome): Points {
  return o === 'early' ? 2 : o === 'on_time' ? 1 : 0;
}

/**
 * Indicator 2: the time of each agency taking part (the resolving agency's steps, the co-operating
 * agencies' legs) against its own limit: all shorter 2, none longer 1, any longer 0. Without any leg
 * that has a limit, the total time decides (indicator 1).
 */
export function scoreLegs(legs: TimeOutcome[], total: TimeOutcome): Points {
  if (!legs.length) return scoreTotalTime(total);
  if (legs.includes('late')) return 0;
  return legs.every((l) => l === 'early') ? 2 : 1;
}

/** Indicator 3: contacts with the desk to complete the dossier (supplement requests): none 2, one 1, more 0. */
export function scoreContacts(supplementRequests: number): Points {
  return supplementRequests === 0 ? 2 : supplementRequests === 1 ? 1 : 0;
}

/**
 * Indicator 4: bodies the applicant had to contact: none (submitted online and the result sent by post)
 * 2; only the one-stop desk 1. Co-operating agencies are reached by the platform (liên thông), never by
 * the applicant, so 0 (more than one body) needs outside knowledge and is not given here.
 */
export function scoreBodies(channel: string, returnMethod: string | null): Points {
  return channel === 'online' && returnMethod === 'post' ? 2 : 1;
}

/**
 * Indicator 5: reception, resolution and return organised at the desk. Every procedure of the catalogue
 * is received and returned at a desk of the platform: 1. The 2 points (a share of procedures appraised
 * and approved at the desk: 20 % ministry/province, 50 % district, 100 % commune) need to know which
 * procedures are decided there, which the catalogue does not hold.
 */
export function scoreDesk(activeProcedures: number): Points {
  return activeProcedures > 0 ? 1 : 0;
}

/**
 * Indicator 6: publication of the procedure. Published electronically and complete in the catalogue
 * (legal basis, documents, fees, time limit, result): 1; incomplete: 0. The 2 points also need it posted
 * at the desk, which the platform does not see.
 */
export function scorePublication(complete: boolean): Points {
  return complete ? 1 : 0;
}

/**
 * Indicator 7: staff attitude. A complaint about the dossier found justified (upheld): 0; otherwise early
 * 2, on time 1. A late dossier without a justified complaint gets 1: the indicator judges attitude, and
 * the lateness already costs indicators 1 and 2.
 */
export function scoreAttitude(total: TimeOutcome, upheldComplaint: boolean): Points {
  if (upheldComplaint) return 0;
  return total === 'early' ? 2 : 1;
}

/**
 * Indicator 8: handling of feedback and petitions about the agency in the period: none, or all handled
 * on time 2; at least 90 % on time 1; less 0. Only the ones the platform handled and judged (finished,
 * or past their time) count.
 */
export function scoreFeedback(judged: number, onTime: number): Points {
  if (judged === 0 || onTime === judged) return 2;
  return onTime / judged >= 0.9 ? 1 : 0;
}

/**
 * Indicator 9: online service. 2: at least 20 % of the agency's procedures online (level 3-4: partial or
 * full), at least 30 % of its dossiers online, no online dossier late. 1: online offered, at least 15 %
 * of dossiers online, none late. 0 otherwise.
 */
export function scoreOnline(f: { onlineProceduresPct: number; onlineDossiersPct: number; onlineLate: number }): Points {
  if (f.onlineLate > 0 || f.onlineProceduresPct === 0) return 0;
  if (f.onlineProceduresPct >= 20 && f.onlineDossiersPct >= 30) return 2;
  return f.onlineDossiersPct >= 15 ? 1 : 0;
}

export type Rating = 'xuat-sac' | 'tot' | 'kha' | 'trung-binh' | 'yeu';

/**
 * The agency's rating from the mean of its dossiers' totals (of 18): above 15 excellent, 12 up to 15 good,
 * 9 up to 12 fair, 6 up to 9 average, below 6 weak (vn-rules §5.1; exactly 15 is "good": the rule says
 * "> 15" for excellent and "12 – < 15" for good, and we do not give the higher rank on a tie).
 */
export function rating(meanTotal: number): Rating {
  if (meanTotal > 15) return 'xuat-sac';
  if (meanTotal >= 12) return 'tot';
  if (meanTotal >= 9) return 'kha';
  if (meanTotal >= 6) return 'trung-binh';
  return 'yeu';
}

export const INDICATOR_BASIS: readonly Basis[] = ['platform', 'platform', 'platform', 'partial', 'partial', 'partial', 'partial', 'partial', 'platform'];

export interface Index766Facts {
  /** active procedures of the scope, and those published complete */
  procedures: number;
  completeProcedures: number;
  /** dossiers resolved or withdrawn in the period, and those on time by II.06a */
  finished: number;
  finishedOnTime: number;
  /** dossiers received in the period, those with a stored file for every required document, those online */
  received: number;
  digitised: number;
  online: number;
  /** citizens' evaluations in the period, and those satisfied (overall 4 or 5) */
  evaluations: number;
  satisfied: number;
}

export interface Index766Group {
  key: 'cong-khai' | 'tien-do' | 'so-hoa' | 'truc-tuyen' | 'hai-long';
  max: number;
  /** null: no data in the period (not counted in the total) */
  points: number | null;
  basis: Basis;
}

const share = (part: number, whole: number, max: number): number | null => (whole > 0 ? Math.round((part / whole) * max * 10) / 10 : null);

/**
 * The five groups of QĐ 766 (100 points), each as the share of what the platform measures times the
 * group's points: publication (18: procedures published complete; on-time updating after a decision is
 * outside data), progress (20: finished on time by II.06a), digitisation (22: dossiers with every
 * required document stored as a file), online service (22: dossiers submitted online; online payment is
 * outside data), satisfaction (18: satisfied evaluations).
 */
export function index766(f: Index766Facts): { groups: Index766Group[]; points: number; maxCounted: number } {
  const groups: Index766Group[] = [
    { key: 'cong-khai', max: 18, points: share(f.completeProcedures, f.procedures, 18), basis: 'partial' },
    { key: 'tien-do', max: 20, points: share(f.finishedOnTime, f.finished, 20), basis: 'platform' },
    { key: 'so-hoa', max: 22, points: share(f.digitised, f.received, 22), basis: 'platform' },
    { key: 'truc-tuyen', max: 22, points: share(f.online, f.received, 22), basis: 'partial' },
    { key: 'hai-long', max: 18, points: share(f.satisfied, f.evaluations, 18), basis: 'platform' },
  ];
  const counted = groups.filter((g) => g.points !== null);
  return {
    groups,
    points: Math.round(counted.reduce((s, g) => s + g.points!, 0) * 10) / 10,
    maxCounted: counted.reduce((s, g) => s + g.max, 0),
  };
}

export interface DossierIndicators {
  code: string;
  procedureCode: string;
  agencyCode: string;
  resolvedAt: string;
  /** the nine indicators' points, indicator 1 first */
  points: Points[];
  total: number;
}

export interface ServiceIndexReport {
  from: string;
  to: string;
  /** dossiers whose result was ready in the period (the ones scored) */
  scored: number;
  indicators: { no: number; mean: number | null; basis: Basis }[];
  meanTotal: number | null;
  rating: Rating | null;
  /** the latest scored dossiers (at most 200) */
  dossiers: DossierIndicators[];
  index766: ReturnType<typeof index766>;
}

interface DossierFact {
  id: string;
  code: string;
  procedure_code: string;
  agency_code: string;
  channel: string;
  return_method: string | null;
  process_instance_key: string | null;
  received_at: Date | null;
  appointment_at: Date | null;
  resolved_at: Date | null;
  closed_at: Date | null;
}

const dateCmp = (done: Date, due: Date): TimeOutcome => {
  const a = localDateOf(done);
  const b = localDateOf(due);
  return a < b ? 'early' : a === b ? 'on_time' : 'late';
};

/**
 * Whether a catalogue entry is published complete: its legal basis, its documents and its result are
 * given (the name, agency, time limit, fees and online level cannot be missing: the catalogue requires them).
 */
const completeEntry = (p: CatalogueFact) => Boolean(p.legal_basis.trim() && p.required_documents.length && p.result.trim());

interface CatalogueFact {
  code: string;
  agency_code: string;
  active: boolean;
  online_level: string;
  legal_basis: string;
  required_documents: { code: string }[];
  result: string;
}

/**
 * The evaluation of the dossiers of `agencyCodes` (null: all) in the period [from, to] (Vietnam dates,
 * inclusive): the nine indicators of each dossier whose result was ready in it, their means and the
 * rating, and the QĐ 766 groups.
 */
export async function serviceIndex(
  db: Knex,
  f: { from: string; to: string; agencyCodes: string[] | null },
  now: Date = clock.now(),
): Promise<ServiceIndexReport> {
  const inPeriod = (col: string) => db.raw(`(${col} AT TIME ZONE 'Asia/Ho_Chi_Minh')::date BETWEEN ?::date AND ?::date`, [f.from, f.to]);
  const scoped = <T extends Knex.QueryBuilder>(q: T, col = 'agency_code'): T => (f.agencyCodes ? (q.whereIn(col, f.agencyCodes) as T) : q);
  const cols = [
    'id',
    'code',
    'procedure_code',
    'agency_code',
    'channel',
    'return_method',
    'process_instance_key',
    'received_at',
    'appointment_at',
    'resolved_at',
    'closed_at',
  ];

  const resolved: DossierFact[] = await scoped(db('dossiers').whereNotNull('resolved_at').where(inPeriod('resolved_at')).select(cols)).orderBy(
    'resolved_at',
    'desc',
  );
  const received: DossierFact[] = await scoped(db('dossiers').whereNotNull('received_at').where(inPeriod('received_at')).select(cols));
  const closedWithout: DossierFact[] = await scoped(
    db('dossiers').whereNull('resolved_at').whereNotNull('closed_at').where(inPeriod('closed_at')).select(cols),
  );
  // One row per procedure and competent agency: its own agency and every other agency offering it (item 10).
  const own = db('onestop_procedures').select('code', 'agency_code', 'active', 'online_level', 'legal_basis', 'required_documents', 'result');
  const offered = db('onestop_procedure_agencies as a')
    .join('onestop_procedures as p', 'p.code', 'a.procedure_code')
    .select('p.code', 'a.agency_code', 'p.active', 'p.online_level', 'p.legal_basis', 'p.required_documents', 'p.result');
  const catalogue: CatalogueFact[] = await scoped(db.select('*').from(own.union(offered).as('c')));
  const active = catalogue.filter((p) => p.active);
  const entry = new Map(catalogue.map((p) => [p.code, p]));

  const ids = resolved.map((d) => d.id);
  const keys = resolved.map((d) => d.process_instance_key).filter((k): k is string => k !== null);
  const count = async (q: Knex.QueryBuilder, col: string) =>
    new Map(((await q.select(col).count({ n: '*' }).groupBy(col)) as { n: string }[]).map((r) => [String((r as Record<string, unknown>)[col]), Number(r.n)]));
  const supplements = ids.length ? await count(db('dossier_supplements').whereIn('dossier_id', ids), 'dossier_id') : new Map<string, number>();
  const receiptAsks = ids.length
    ? await count(db('dossier_events').whereIn('dossier_id', ids).where({ type: 'receipt.supplement_requested' }), 'dossier_id')
    : new Map<string, number>();
  const transfers: { dossier_id: string; due_at: Date; returned_at: Date | null }[] = ids.length
    ? await db('dossier_transfers').whereIn('dossier_id', ids).whereNotNull('returned_at').select('dossier_id', 'due_at', 'returned_at')
    : [];
  const steps: { process_instance_key: string; due_date: Date; completed_at: Date }[] = keys.length
    ? await db('inbox_tasks')
        .whereIn('process_instance_key', keys)
        .whereNotNull('due_date')
        .whereNotNull('completed_at')
        .select('process_instance_key', 'due_date', 'completed_at')
    : [];
  const upheld = new Set(
    resolved.length
      ? ((await db('iso_complaints')
          .whereIn(
            'dossier_code',
            resolved.map((d) => d.code),
          )
          .where({ upheld: true })
          .pluck('dossier_code')) as string[])
      : [],
  );

  // Indicator 8, per agency: complaints received in the period about its dossiers or units, judged by their case's time.
  const complaints: { agency_code: string | null; process_instance_key: string | null }[] = await db('iso_complaints as c')
    .leftJoin('dossiers as d', 'd.code', 'c.dossier_code')
    .where(inPeriod('c.received_at'))
    .modify((q) => {
      if (f.agencyCodes) q.where((w) => w.whereIn('d.agency_code', f.agencyCodes!).orWhereIn('c.unit_code', f.agencyCodes!));
    })
    .select(db.raw('coalesce(d.agency_code, c.unit_code) AS agency_code'), 'c.process_instance_key');
  const complaintKeys = complaints.map((c) => c.process_instance_key).filter((k): k is string => k !== null);
  const complaintOutcome = new Map(
    complaintKeys.length
      ? (await casesWithLateness(caseFactsQuery(db, now).whereIn('f.process_instance_key', complaintKeys), now)).map((c) => [c.processInstanceKey, c.outcome])
      : [],
  );
  const feedback = new Map<string, { judged: number; onTime: number }>();
  for (const c of complaints) {
    const o = c.process_instance_key ? complaintOutcome.get(String(c.process_instance_key)) : undefined;
    if (!o || !(ON_TIME.has(o) || LATE.has(o))) continue;
    const a = feedback.get(c.agency_code ?? '') ?? { judged: 0, onTime: 0 };
    a.judged++;
    if (ON_TIME.has(o)) a.onTime++;
    feedback.set(c.agency_code ?? '', a);
  }

  // Indicator 9 and the II.06a time of every dossier of the period.
  const outcomeOf = (d: DossierFact): Lateness =>
    lateness({ appointmentAt: d.appointment_at, readyAt: d.resolved_at, withdrawnAt: d.resolved_at ? null : d.closed_at, pausedAt: false }, now);
  const perAgency = (agency: string) => {
    const procs = active.filter((p) => p.agency_code === agency);
    const rec = received.filter((d) => d.agency_code === agency);
    const online = rec.filter((d) => d.channel === 'online');
    // late: an online dossier whose result was ready after its appointment (II.06a)
    const onlineLate = resolved.filter((d) => d.agency_code === agency && d.channel === 'online' && outcomeOf(d) === 'late').length;
    return {
      activeProcedures: procs.length,
      online: scoreOnline({
        onlineProceduresPct: procs.length ? (procs.filter((p) => p.online_level === 'full' || p.online_level === 'partial').length / procs.length) * 100 : 0,
        onlineDossiersPct: rec.length ? (online.length / rec.length) * 100 : 0,
        onlineLate,
      }),
      feedback: scoreFeedback(feedback.get(agency)?.judged ?? 0, feedback.get(agency)?.onTime ?? 0),
    };
  };
  const agencies = new Map([...new Set(resolved.map((d) => d.agency_code))].map((a) => [a, perAgency(a)]));

  // Each dossier's legs, looked up by key (one pass over the transfers and the steps, not one per dossier).
  const legsOf = new Map<string, TimeOutcome[]>();
  const addLeg = (key: string, o: TimeOutcome) => (legsOf.get(key) ?? legsOf.set(key, []).get(key)!).push(o);
  for (const t of transfers) addLeg(`d:${t.dossier_id}`, dateCmp(t.returned_at!, t.due_at));
  for (const st of steps) addLeg(`k:${st.process_instance_key}`, dateCmp(st.completed_at, st.due_date));
  const scoredDossiers: DossierIndicators[] = resolved.map((d) => {
    const total = outcomeOf(d) as TimeOutcome;
    const legs = [...(legsOf.get(`d:${d.id}`) ?? []), ...(legsOf.get(`k:${d.process_instance_key}`) ?? [])];
    const a = agencies.get(d.agency_code)!;
    const p = entry.get(d.procedure_code);
    const points: Points[] = [
      scoreTotalTime(total),
      scoreLegs(legs, total),
      scoreContacts((supplements.get(String(d.id)) ?? 0) + (receiptAsks.get(String(d.id)) ?? 0)),
      scoreBodies(d.channel, d.return_method),
      scoreDesk(a.activeProcedures),
      scorePublication(p ? completeEntry(p) : false),
      scoreAttitude(total, upheld.has(d.code)),
      a.feedback,
      a.online,
    ];
    return {
      code: d.code,
      procedureCode: d.procedure_code,
      agencyCode: d.agency_code,
      resolvedAt: d.resolved_at!.toISOString(),
      points,
      total: points.reduce<number>((s, x) => s + x, 0),
    };
  });

  const mean = (xs: number[]) => (xs.length ? Math.round((xs.reduce((s, x) => s + x, 0) / xs.length) * 100) / 100 : null);
  const meanTotal = mean(scoredDossiers.map((d) => d.total));
  const finished = [...resolved, ...closedWithout];
  const evaluations: { n: string; ok: string }[] = await scoped(db('dossier_evaluations').where(inPeriod('submitted_at'))).select(
    db.raw('count(*) AS n'),
    db.raw('count(*) FILTER (WHERE overall >= 4) AS ok'),
  );
  const receivedIds = received.map((d) => d.id);
  const filesOf: { dossier_id: string; codes: string[] }[] = receivedIds.length
    ? await db('dossier_documents')
        .whereIn('dossier_id', receivedIds)
        .groupBy('dossier_id')
        .select('dossier_id', db.raw('array_agg(DISTINCT requirement_code) AS codes'))
    : [];
  const stored = new Map(filesOf.map((r) => [String(r.dossier_id), new Set(r.codes)]));
  const digitised = received.filter((d) => {
    const required = (entry.get(d.procedure_code)?.required_documents ?? []).map((r) => r.code);
    const have = stored.get(String(d.id));
    return required.length > 0 && !!have && required.every((c) => have.has(c));
  }).length;

  return {
    from: f.from,
    to: f.to,
    scored: scoredDossiers.length,
    indicators: INDICATOR_BASIS.map((basis, i) => ({ no: i + 1, mean: mean(scoredDossiers.map((d) => d.points[i])), basis })),
    meanTotal,
    rating: meanTotal === null ? null : rating(meanTotal),
    dossiers: scoredDossiers.slice(0, 200),
    index766: index766({
      procedures: active.length,
      completeProcedures: active.filter(completeEntry).length,
      finished: finished.length,
      finishedOnTime: finished.filter((d) => ON_TIME.has(outcomeOf(d))).length,
      received: received.length,
      digitised,
      online: received.filter((d) => d.channel === 'online').length,
      evaluations: Number(evaluations[0]?.n ?? 0),
      satisfied: Number(evaluations[0]?.ok ?? 0),
    }),
  };
}
