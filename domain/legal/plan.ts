import type { Knex } from 'knex';
import { elementsOf, isDeadlineTimer, proposeMapping, type ModelElement, type ProposedMapping } from './model.js';
import { newAppointment, newStepTimes, type LawChangeRule, type NewDate } from './dates.js';
import { loadCalendar } from '../deadlines/calendar-store.js';
import { listPauses } from '../deadlines/store.js';
import { closedPauses } from '../deadlines/cases.js';
import { loadDeadlineModel, type DeadlineModel } from '../deadlines/model.js';
import type { TimeLimit } from '../deadlines/calendar/index.js';
import type { StepTimes } from '../deadlines/compute.js';

type Db = Knex | Knex.Transaction;

/**
 * The migration plan of a law change (issue 20, item 1): from an old version of a procedure to a new
 * one, the element mapping the diff proposes, the running cases of the old version (from the
 * platform's records: the history projection of the engine's own records, the case clock, the inbox;
 * never a process variable), and for each case whether it can move and why not, with its appointment
 * and its open steps' due dates before and after under the rule the designer chose when publishing.
 */

/** A refusal named by an error code of lib/errors.ts (texts in web/src/i18n/errors.ts). */
export interface Reason {
  code: string;
  params: Record<string, string | number>;
  message: string;
}

export interface VersionRef {
  procedureId: number | null;
  bpmnProcessId: string;
  version: number;
  processDefinitionKey: string;
  xml: string;
  publishedAt: Date;
  legalChange: { documentId: number; number: string; changeDate: string; dueDatePolicy: 'from-change-date' | 'received-after' } | null;
}

export interface StepDates {
  elementInstanceKey: string;
  elementId: string;
  name: string;
  limitBefore: number;
  limitAfter: number;
  before: StepTimes;
  after: StepTimes;
  rule: NewDate['rule'];
}

export interface InstancePlan {
  processInstanceKey: string;
  bpmnProcessId: string;
  fromVersion: number;
  /** where it goes; null: it stays (its process has no newer version) */
  target: { version: number; processDefinitionKey: string } | null;
  activeElements: { elementInstanceKey: string; elementId: string; name: string; type: string }[];
  migratable: boolean;
  reasons: Reason[];
  /** the instructions Zeebe gets: the active elements, and the boundary timers kept */
  mapping: { sourceElementId: string; targetElementId: string }[];
  steps: StepDates[];
}

export interface CasePlan extends InstancePlan {
  caseCode: string | null;
  dossierId: string | null;
  receivedAt: Date | null;
  appointment: (NewDate & { limitBefore: TimeLimit; limitAfter: TimeLimit }) | null;
  called: InstancePlan[];
  /** already moved to the target version (a second run does nothing) */
  migrated: boolean;
}

export interface MigrationPlan {
  from: VersionRef;
  to: VersionRef;
  rule: LawChangeRule & { recorded: boolean };
  mapping: ProposedMapping;
  limits: {
    process: { before: TimeLimit | null; after: TimeLimit | null };
    steps: { elementId: string; name: string; before: number | null; after: number | null }[];
  };
  cases: CasePlan[];
  /** more running cases than listed */
  truncated: boolean;
}

export const MAX_PLAN_CASES = 500;

const vnDate = (d: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh', year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);

/**
 * A deployed version of a process with its XML (process_definitions: deployed through the platform, or
 * learned from the engine's records when deployed outside it) and, when it is a procedure's version, the
 * law change it was published for.
 */
export async function loadVersion(db: Db, bpmnProcessId: string, version: number): Promise<VersionRef | undefined> {
  const v = await db('process_definitions as d')
    .leftJoin('procedure_versions as v', 'v.process_definition_key', 'd.process_definition_key')
    .leftJoin('legal_documents as l', 'l.id', 'v.legal_document_id')
    .where({ 'd.bpmn_process_id': bpmnProcessId, 'd.version': version })
    .first(
      'v.procedure_id',
      'd.version',
      'd.process_definition_key',
      'd.xml',
      db.raw('coalesce(v.published_at, d.deployed_at) AS published_at'),
      'v.legal_document_id',
      'l.number as legal_number',
      'v.due_date_policy',
      db.raw(`to_char(v.legal_change_date, 'YYYY-MM-DD') AS legal_change_date`),
    );
  if (!v || !v.xml) return undefined;
  return {
    procedureId: v.procedure_id ?? null,
    bpmnProcessId,
    version: v.version,
    processDefinitionKey: String(v.process_definition_key),
    xml: v.xml,
    publishedAt: v.published_at,
    legalChange: v.legal_document_id
      ? { documentId: v.legal_document_id, number: v.legal_number, changeDate: v.legal_change_date, dueDatePolicy: v.due_date_policy }
      : null,
  };
}

/** The newest published version of a procedure, when it is newer than `version`. */
async function newerPublished(db: Db, bpmnProcessId: string, version: number): Promise<VersionRef | undefined> {
  const row = await db('procedure_versions as v')
    .join('procedures as p', 'p.id', 'v.procedure_id')
    .where({ 'p.bpmn_process_id': bpmnProcessId, 'v.state': 'published' })
    .where('v.version', '>', version)
    .max<{ max: number | null }>('v.version as max')
    .first();
  return row?.max ? loadVersion(db, bpmnProcessId, row.max) : undefined;
}

const reason = (code: string, params: Record<string, string | number>, message: string): Reason => ({ code, params, message });

/** The instances of the case: the root and every instance it called still running (from the engine's records). */
async function runningCalled(db: Db, rootKey: string) {
  return db('hist_process_instances')
    .where({ root_process_instance_key: rootKey, state: 'active' })
    .orderBy('process_instance_key')
    .select('process_instance_key', 'bpmn_process_id', 'process_definition_key', 'version') as Promise<
    { process_instance_key: string; bpmn_process_id: string; process_definition_key: string; version: number }[]
  >;
}

async function activeElements(db: Db, processInstanceKey: string) {
  return db('hist_element_instances')
    .where({ process_instance_key: processInstanceKey, state: 'active' })
    .whereNot('bpmn_element_type', 'PROCESS')
    .orderBy('element_instance_key')
    .select('element_instance_key', 'element_id', 'bpmn_element_type') as Promise<
    { element_instance_key: string; element_id: string; bpmn_element_type: string }[]
  >;
}

interface Ctx {
  db: Db;
  rule: LawChangeRule;
  cal: Awaited<ReturnType<typeof loadCalendar>>;
  receivedAt: Date | null;
  pauses: ReturnType<typeof closedPauses>;
}

/** One instance (the case or a called one) against its target: the elements, why it cannot move, its open steps' dates. */
async function planInstance(
  ctx: Ctx,
  inst: { processInstanceKey: string; bpmnProcessId: string; version: number; definitionKey: string; xml: string },
  target: VersionRef | undefined,
): Promise<InstancePlan> {
  const source = await elementsOf(inst.definitionKey, inst.xml, inst.bpmnProcessId);
  const active = await activeElements(ctx.db, inst.processInstanceKey);
  const activeElements_ = active.map((a) => ({
    elementInstanceKey: String(a.element_instance_key),
    elementId: a.element_id,
    name: source.get(a.element_id)?.name ?? a.element_id,
    type: source.get(a.element_id)?.type ?? a.bpmn_element_type,
  }));
  const base = { processInstanceKey: inst.processInstanceKey, bpmnProcessId: inst.bpmnProcessId, fromVersion: inst.version, activeElements: activeElements_ };
  if (!target) return { ...base, target: null, migratable: true, reasons: [], mapping: [], steps: [] };
  const targetElements = await elementsOf(target.processDefinitionKey, target.xml, target.bpmnProcessId);
  const reasons: Reason[] = [];
  const mapping: InstancePlan['mapping'] = [];
  for (const a of activeElements_) {
    const t = targetElements.get(a.elementId);
    const s = source.get(a.elementId);
    if (!t) {
      reasons.push(
        reason(
          'LAW_MIGRATION_ELEMENT_REMOVED',
          { element: a.elementId, name: a.name, version: target.version },
          `Bước "${a.name}" (${a.elementId}) không còn trong phiên bản ${target.version}: hồ sơ đang ở bước này không chuyển được / Step "${a.name}" (${a.elementId}) is not in version ${target.version}`,
        ),
      );
      continue;
    }
    if (s && t.type !== s.type) {
      reasons.push(
        reason(
          'LAW_MIGRATION_ELEMENT_TYPE_CHANGED',
          { element: a.elementId, name: a.name, version: target.version },
          `Bước "${a.name}" (${a.elementId}) đổi loại phần tử ở phiên bản ${target.version} / Step "${a.name}" (${a.elementId}) changed its element type in version ${target.version}`,
        ),
      );
      continue;
    }
    if (s?.eventSubProcess || a.type === 'bpmn:SubProcess') {
      // Zeebe 8.6 maps an active sub-process like any element; its children are listed as active elements of their own
    }
    mapping.push({ sourceElementId: a.elementId, targetElementId: a.elementId });
  }
  // the open steps' dates, with the old and new limits
  const [oldModel, newModel] = await Promise.all([
    loadDeadlineModel(ctx.db as Knex, inst.definitionKey, inst.bpmnProcessId),
    loadDeadlineModel(ctx.db as Knex, target.processDefinitionKey, target.bpmnProcessId),
  ]);
  const steps: StepDates[] = [];
  const keepTimersOf = new Set<string>();
  for (const a of activeElements_) {
    if (a.type !== 'bpmn:UserTask') continue;
    const row = await ctx.db('step_deadlines').where({ element_instance_key: a.elementInstanceKey }).first();
    const oldDays = oldModel.steps.get(a.elementId)?.timeLimitDays ?? null;
    const newDays = newModel.steps.get(a.elementId)?.timeLimitDays ?? null;
    if (!row || oldDays === null || newDays === null) {
      keepTimersOf.add(a.elementId);
      continue;
    }
    const n = newStepTimes(
      ctx.cal,
      {
        startedAt: row.started_at,
        due: row.due_at,
        remind: row.remind_at,
        unit: row.unit_code,
        pauses: ctx.pauses,
        receivedAt: ctx.receivedAt ?? row.started_at,
      },
      Number(row.time_limit_days),
      newDays,
      ctx.rule,
    );
    steps.push({
      elementInstanceKey: a.elementInstanceKey,
      elementId: a.elementId,
      name: a.name,
      limitBefore: Number(row.time_limit_days),
      limitAfter: newDays,
      before: { due: row.due_at, remind: row.remind_at },
      after: n.after,
      rule: n.rule,
    });
    if (n.after.due.getTime() === row.due_at.getTime() && n.after.remind.getTime() === row.remind_at.getTime()) keepTimersOf.add(a.elementId);
  }
  // Boundary timers of a step whose dates stay are mapped (they keep their due dates); those of a step
  // whose dates move are left out, so the engine drops them and sets the new version's timers, read
  // from the step's variables eisoStepDue / eisoStepRemind, which are set to the new dates first.
  for (const t of source.values()) {
    if (t.type !== 'bpmn:BoundaryEvent' || !t.attachedTo || !mapping.some((m) => m.sourceElementId === t.attachedTo)) continue;
    const target_ = targetElements.get(t.id);
    const moves = !keepTimersOf.has(t.attachedTo) && isDeadlineTimer(t);
    if (target_ && target_.type === t.type && target_.attachedTo === t.attachedTo && !moves) mapping.push({ sourceElementId: t.id, targetElementId: t.id });
  }
  return {
    ...base,
    target: { version: target.version, processDefinitionKey: target.processDefinitionKey },
    migratable: reasons.length === 0,
    reasons,
    mapping,
    steps,
  };
}

function stepLimits(a: DeadlineModel, b: DeadlineModel) {
  const ids = new Set([...a.steps.keys(), ...b.steps.keys()]);
  return [...ids]
    .map((id) => ({
      elementId: id,
      name: b.steps.get(id)?.name ?? a.steps.get(id)?.name ?? id,
      before: a.steps.get(id)?.timeLimitDays ?? null,
      after: b.steps.get(id)?.timeLimitDays ?? null,
    }))
    .filter((s) => s.before !== s.after);
}

/** The rule of the target version: its recorded law change, else new limits for dossiers received from its publication on. */
export function ruleOf(to: VersionRef): LawChangeRule & { recorded: boolean } {
  return to.legalChange
    ? { policy: to.legalChange.dueDatePolicy, changeDate: to.legalChange.changeDate, recorded: true }
    : { policy: 'received-after', changeDate: vnDate(to.publishedAt), recorded: false };
}

/**
 * The plan from `from` to `to`; `only`: the cases to plan (by key), else every running case of the
 * old version (at most MAX_PLAN_CASES, oldest first).
 */
export async function buildPlan(db: Db, from: VersionRef, to: VersionRef, only?: string[]): Promise<MigrationPlan> {
  const rule = ruleOf(to);
  const [sourceEls, targetEls, oldModel, newModel, cal] = await Promise.all([
    elementsOf(from.processDefinitionKey, from.xml, from.bpmnProcessId),
    elementsOf(to.processDefinitionKey, to.xml, to.bpmnProcessId),
    loadDeadlineModel(db as Knex, from.processDefinitionKey, from.bpmnProcessId),
    loadDeadlineModel(db as Knex, to.processDefinitionKey, to.bpmnProcessId),
    loadCalendar(db as Knex),
  ]);
  const mapping = proposeMapping(new Map([...sourceEls].filter(([, e]) => !isMachinery(e))), new Map([...targetEls].filter(([, e]) => !isMachinery(e))));
  const q = db('hist_process_instances as h')
    .leftJoin('case_deadlines as c', 'c.process_instance_key', 'h.process_instance_key')
    .leftJoin('case_index as i', 'i.process_instance_key', 'h.process_instance_key')
    .leftJoin('dossiers as d', 'd.process_instance_key', 'h.process_instance_key')
    .whereNull('h.parent_process_instance_key')
    .where('h.bpmn_process_id', from.bpmnProcessId)
    .orderBy('h.process_instance_key')
    .select(
      'h.process_instance_key',
      'h.process_definition_key',
      'h.version',
      'h.state',
      'c.received_at',
      'c.appointment_at',
      'c.time_limit_days',
      'c.time_limit_unit',
      'c.unit_code',
      'd.id as dossier_id',
      db.raw('coalesce(d.code, i.dossier_code, i.case_code) AS case_code'),
    );
  if (only) q.whereIn('h.process_instance_key', only);
  else
    q.where((w) =>
      w
        .where({ 'h.process_definition_key': from.processDefinitionKey, 'h.state': 'active' })
        // the cases already moved from this version to the target stay listed (marked moved), whether or not the
        // history has caught up with their new version yet: the page reads the same after a run as a while later
        .orWhereIn(
          'h.process_instance_key',
          db('case_migrations')
            .where({ bpmn_process_id: from.bpmnProcessId, from_version: from.version, to_process_definition_key: to.processDefinitionKey, outcome: 'migrated' })
            .select('process_instance_key'),
        ),
    ).limit(MAX_PLAN_CASES + 1);
  const rows = (await q) as {
    process_instance_key: string;
    process_definition_key: string;
    version: number;
    state: string;
    received_at: Date | null;
    appointment_at: Date | null;
    time_limit_days: string | null;
    time_limit_unit: TimeLimit['unit'] | null;
    unit_code: string | null;
    dossier_id: string | null;
    case_code: string | null;
  }[];
  const truncated = !only && rows.length > MAX_PLAN_CASES;
  const cases: CasePlan[] = [];
  for (const r of rows.slice(0, MAX_PLAN_CASES)) {
    const key = String(r.process_instance_key);
    const onTarget = String(r.process_definition_key) === to.processDefinitionKey;
    const migratedRow = await db('case_migrations')
      .where({ process_instance_key: key, to_process_definition_key: to.processDefinitionKey, outcome: 'migrated' })
      .first('id');
    const pauses = closedPauses(await listPauses(db, key));
    const ctx: Ctx = { db, rule, cal, receivedAt: r.received_at, pauses };
    const own = await planInstance(
      ctx,
      { processInstanceKey: key, bpmnProcessId: from.bpmnProcessId, version: r.version, definitionKey: from.processDefinitionKey, xml: from.xml },
      to,
    );
    if (r.state !== 'active') {
      own.migratable = false;
      own.reasons.push(reason('LAW_MIGRATION_CASE_NOT_RUNNING', { case: key }, `Hồ sơ ${key} không còn đang xử lý / Case ${key} is not running`));
    } else if (String(r.process_definition_key) !== from.processDefinitionKey && !onTarget) {
      own.migratable = false;
      own.reasons.push(
        reason(
          'LAW_MIGRATION_CASE_OTHER_VERSION',
          { case: key, version: r.version },
          `Hồ sơ ${key} đang chạy phiên bản ${r.version} / Case ${key} runs version ${r.version}`,
        ),
      );
    }
    const called: InstancePlan[] = [];
    for (const c of await runningCalled(db, key)) {
      const def = await db('process_definitions').where({ process_definition_key: c.process_definition_key }).first('xml');
      if (!def) {
        called.push({
          processInstanceKey: String(c.process_instance_key),
          bpmnProcessId: c.bpmn_process_id,
          fromVersion: c.version,
          target: null,
          activeElements: [],
          migratable: false,
          reasons: [
            reason(
              'LAW_MIGRATION_CALLED_UNKNOWN',
              { process: c.bpmn_process_id },
              `Quy trình được gọi ${c.bpmn_process_id} không được triển khai qua nền tảng / The called process ${c.bpmn_process_id} was not deployed through the platform`,
            ),
          ],
          mapping: [],
          steps: [],
        });
        continue;
      }
      const newer = await newerPublished(db, c.bpmn_process_id, c.version);
      called.push(
        await planInstance(
          ctx,
          {
            processInstanceKey: String(c.process_instance_key),
            bpmnProcessId: c.bpmn_process_id,
            version: c.version,
            definitionKey: String(c.process_definition_key),
            xml: def.xml,
          },
          newer,
        ),
      );
    }
    let appointment: CasePlan['appointment'] = null;
    if (r.received_at && r.appointment_at && oldModel.timeLimit && newModel.timeLimit) {
      const limitBefore: TimeLimit = { value: Number(r.time_limit_days), unit: r.time_limit_unit ?? oldModel.timeLimit.unit };
      const n = newAppointment(
        cal,
        { receivedAt: r.received_at, appointmentAt: r.appointment_at, unit: r.unit_code, pauses },
        limitBefore,
        newModel.timeLimit,
        rule,
      );
      appointment = { ...n, limitBefore, limitAfter: newModel.timeLimit };
    }
    cases.push({
      ...own,
      caseCode: r.case_code,
      dossierId: r.dossier_id ? String(r.dossier_id) : null,
      receivedAt: r.received_at,
      appointment,
      called,
      migrated: Boolean(migratedRow) || onTarget,
    });
  }
  return {
    from,
    to,
    rule,
    mapping,
    limits: { process: { before: oldModel.timeLimit, after: newModel.timeLimit }, steps: stepLimits(oldModel, newModel) },
    cases,
    truncated,
  };
}

/** The deadline pattern's branches (timers, their service tasks and ends): engine machinery, not steps the designer drew. */
function isMachinery(e: ModelElement): boolean {
  return /_(?:NhacHan|QuaHan)(?:_(?:Timer|Gui|Xong))?(?:_\d+)?$/u.test(e.id);
}

/** The given keys that are no case (root instance) of the process: the caller refuses the request before doing anything. */
export async function unknownCases(db: Db, bpmnProcessId: string, keys: string[]): Promise<string[]> {
  const known = new Set(
    (
      (await db('hist_process_instances')
        .whereIn('process_instance_key', keys)
        .where({ bpmn_process_id: bpmnProcessId })
        .whereNull('parent_process_instance_key')
        .pluck('process_instance_key')) as string[]
    ).map(String),
  );
  return keys.filter((k) => !known.has(k));
}
