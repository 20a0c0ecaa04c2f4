import { Linter } from 'bpmnlint';
import lintrc from './bpmnlintrc.json' with { type: 'json' };
import { DEADLINE_STEP_JOB_TYPES } from './deadline-pattern.js';
import NodeResolver from 'bpmnlint/lib/resolver/node-resolver.js';
import { BpmnModdle } from 'bpmn-moddle';
import zeebeSchema from 'zeebe-bpmn-moddle/resources/zeebe.json' with { type: 'json' };
import {
  PROCESS_PROPERTY,
  STEP_HEADER,
  TIME_LIMIT_UNIT_LABELS,
  TIME_LIMIT_UNITS,
  parseTimeLimit,
  stepMetaFromHeaders,
  type StepMeta,
  type TimeLimitUnit,
} from './step-meta.js';
import { WORKER_JOB_TYPES } from './jobs/catalogue.js';
import { approvingDefaultFlows } from './default-flow.js';
import { ROLES } from './step-meta.js';
import type { ErrorCode, ErrorParams, ParamsOf } from '../lib/errors.js';
import {
  collectFlowElements,
  ext,
  hasEventDefinition,
  headersOf,
  isContainer,
  jobTypeOf,
  longestPath,
  propertiesOf,
  scopeGraph,
  workingDaysWithin,
  type ModdleElement,
} from './model-graph.js';

export { headersOf, longestPath, propertiesOf } from './model-graph.js';

export interface ValidationIssue {
  elementId: string;
  /** Vietnamese / English, for API clients and logs; the web says `code` with `params` in the reader's language. */
  message: string;
  rule: string;
  category: 'error' | 'warn';
  /** The problem's code (lib/errors.ts) and the values it names (element names and ids, limits). */
  code: ErrorCode;
  params: ErrorParams;
}

export interface ExecutableProcess {
  id: string;
  name: string;
  /** element id -> name, for every named flow element (nested sub-processes included) */
  elementNames: Record<string, string>;
}

export interface ValidationResult {
  ok: boolean;
  errors: ValidationIssue[];
  warnings: ValidationIssue[];
  processes: ExecutableProcess[];
}

/** Upper bound for a BPMN file; larger uploads are refused before parsing. */
export const MAX_BPMN_BYTES = 2_000_000;

// A new Linter per call: some bpmnlint rules (no-duplicate-sequence-flows) keep state across lint runs.
// The one bpmnlint configuration (engine/bpmnlintrc.json; the modeler's packed copy is generated from
// it by npm run lint:pack, and test/unit/lint-pack.test.ts fails when that copy is stale): the
// recommended rules and Camunda 8.6 compatibility; label-required and no-bpmndi only warn (diagram
// completeness is advice, not a reason to block a deploy); camunda-compat/zeebe-user-task is off (we run
// human steps as job-based user tasks on purpose: the inbox lives in PostgreSQL).
// A copy per linter: bpmnlint resolves the configuration in place.
const newLinter = () => new Linter({ config: structuredClone(lintrc), resolver: new NodeResolver() });

/** Our own rule: a human step must say who handles it, or it would reach nobody's inbox. */
function checkUserTaskOwners(processes: ModdleElement[]): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  for (const p of processes) {
    for (const el of collectFlowElements(p)) {
      if (el.$type !== 'bpmn:UserTask') continue;
      const assignment = el.extensionElements?.values?.find((v) => v.$type === 'zeebe:AssignmentDefinition');
      const hasOwner = Boolean(assignment?.assignee?.trim() || assignment?.candidateGroups?.trim() || assignment?.candidateUsers?.trim());
      if (!hasOwner) {
        issues.push({
          elementId: el.id ?? '?',
          rule: 'eiso/user-task-owner',
          category: 'error',
          code: 'BPMN_STEP_NO_OWNER',
          params: { step: el.name ?? el.id ?? '?' },
          message: `Bước "${el.name ?? el.id}" chưa có người xử lý (assignee hoặc candidate groups) / User task has no assignee or candidate groups`,
        });
      }
    }
  }
  return issues;
}

const label = (el: ModdleElement) => `"${el.name?.trim() || el.id}"`;
/** An element as a problem's params name it: its name, else its id. */
const name = (el: ModdleElement) => el.name?.trim() || el.id || '?';

/** Our rule: every path reaches an end event (no dead ends, no loop without a way out), in every scope. */
function checkPathsReachEnd(scope: ModdleElement, issues: ValidationIssue[]): void {
  const g = scopeGraph(scope);
  const deadEnds = new Set<string>();
  for (const n of g.nodes) {
    if (isContainer(n)) checkPathsReachEnd(n, issues);
    if (n.$type === 'bpmn:EndEvent' || n.isForCompensation || hasEventDefinition(n, 'bpmn:CompensateEventDefinition')) continue;
    if ((g.next.get(n.id!) ?? []).length === 0) {
      deadEnds.add(n.id!);
      issues.push({
        elementId: n.id!,
        rule: 'eiso/dead-end',
        category: 'error',
        code: 'BPMN_DEAD_END',
        params: { step: name(n), id: n.id! },
        message: `Bước ${label(n)} không dẫn tới đâu: thêm luồng ra tới bước tiếp theo hoặc sự kiện kết thúc / ${n.id} has no outgoing flow and is not an end event`,
      });
    }
  }
  // Walk backwards from end events and dead ends: whatever stays unreached is caught in a loop without exit.
  const prev = new Map<string, string[]>(g.nodes.map((n) => [n.id!, []]));
  for (const [from, tos] of g.next) for (const to of tos) prev.get(to)?.push(from);
  const reached = new Set<string>();
  const queue = g.nodes
    .filter((n) => n.$type === 'bpmn:EndEvent' || deadEnds.has(n.id!) || n.isForCompensation || hasEventDefinition(n, 'bpmn:CompensateEventDefinition'))
    .map((n) => n.id!);
  for (const id of queue) reached.add(id);
  while (queue.length)
    for (const p of prev.get(queue.pop()!) ?? [])
      if (!reached.has(p)) {
        reached.add(p);
        queue.push(p);
      }
  // Report the loop itself (nodes that come back to themselves), not every step leading into it.
  const onLoop = (id: string) => {
    const seen = new Set<string>();
    const stack = [...(g.next.get(id) ?? [])];
    while (stack.length) {
      const cur = stack.pop()!;
      if (cur === id) return true;
      if (!seen.has(cur)) {
        seen.add(cur);
        stack.push(...(g.next.get(cur) ?? []));
      }
    }
    return false;
  };
  for (const n of g.nodes) {
    if (reached.has(n.id!) || !onLoop(n.id!)) continue;
    issues.push({
      elementId: n.id!,
      rule: 'eiso/no-exit',
      category: 'error',
      code: 'BPMN_NO_EXIT',
      params: { step: name(n), id: n.id! },
      message: `Bước ${label(n)} nằm trong vòng lặp không có lối ra tới sự kiện kết thúc / ${n.id} is in a loop that never reaches an end event`,
    });
  }
}

/** Our rules on government steps: a time limit on each human step, a worker for each job type, a total limit covering the longest path. */
function checkGovernmentRules(process: ModdleElement, issues: ValidationIssue[], opts: ValidateOptions): void {
  for (const el of collectFlowElements(process)) {
    const headers = headersOf(el);
    if (el.$type === 'bpmn:UserTask') {
      const raw = headers[STEP_HEADER.timeLimit];
      if (parseTimeLimit(raw) === null) {
        const noLimit = raw === undefined || raw.trim() === '';
        issues.push({
          elementId: el.id ?? '?',
          rule: 'eiso/user-task-time-limit',
          category: 'error',
          ...(noLimit
            ? { code: 'BPMN_STEP_NO_TIME_LIMIT' as const, params: { step: name(el), header: STEP_HEADER.timeLimit } }
            : { code: 'BPMN_STEP_TIME_LIMIT' as const, params: { step: name(el), value: raw } }),
          message: noLimit
            ? `Bước ${label(el)} chưa có thời hạn xử lý (ngày làm việc, header ${STEP_HEADER.timeLimit}) / User task ${el.id} has no time limit`
            : `Thời hạn "${raw}" của bước ${label(el)} phải là số dương, bội của 0,5 ngày làm việc / Time limit of ${el.id} must be a positive multiple of 0.5 working days`,
        });
      }
      if (opts.unitCodes) {
        const groups = (ext(el, 'zeebe:AssignmentDefinition')?.candidateGroups ?? '').trim();
        if (groups && !groups.startsWith('=')) {
          for (const g of groups
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)) {
            const [unit, role, ...rest] = g.split('/');
            if (!opts.unitCodes.has(unit) || rest.length > 0 || (role !== undefined && !(ROLES as readonly string[]).includes(role))) {
              issues.push({
                elementId: el.id ?? '?',
                rule: 'eiso/user-task-owner',
                category: 'error',
                code: 'BPMN_UNKNOWN_GROUP',
                params: { step: name(el), group: g },
                message: `Bước ${label(el)}: nhóm xử lý "${g}" không có trong cơ cấu tổ chức (đơn vị hoặc đơn vị/vai trò) / Candidate group ${g} of ${el.id} names no unit or role of the organisation`,
              });
            }
          }
        }
      }
      continue;
    }
    const jobType = jobTypeOf(el);
    if (jobType === undefined) continue;
    if (jobType.startsWith('=')) {
      issues.push({
        elementId: el.id ?? '?',
        rule: 'eiso/job-type-worker',
        category: 'warn',
        code: 'BPMN_JOB_TYPE_EXPRESSION',
        params: { step: name(el) },
        message: `Loại công việc của bước ${label(el)} là biểu thức, không kiểm tra được / The job type of ${el.id} is an expression and cannot be checked`,
      });
    } else if (!WORKER_JOB_TYPES.includes(jobType)) {
      issues.push({
        elementId: el.id ?? '?',
        rule: 'eiso/job-type-worker',
        category: 'error',
        code: 'BPMN_NO_WORKER',
        params: { step: name(el), jobType },
        message: `Bước tự động ${label(el)} dùng loại công việc "${jobType}" mà hệ thống không có bộ xử lý / No worker for job type "${jobType}" of ${el.id}`,
      });
    }
  }
  const raw = propertiesOf(process)[PROCESS_PROPERTY.timeLimit];
  const total = parseTimeLimit(raw);
  const unit = legalUnitOf(process);
  const longest = longestPath(process);
  if (total === null) {
    const noLimit = raw === undefined || raw.trim() === '';
    issues.push({
      elementId: process.id ?? '',
      rule: 'eiso/process-time-limit',
      category: 'error',
      ...(noLimit
        ? { code: 'BPMN_PROCESS_NO_TIME_LIMIT' as const, params: { process: name(process), property: PROCESS_PROPERTY.timeLimit } }
        : { code: 'BPMN_PROCESS_TIME_LIMIT' as const, params: { process: name(process), value: raw } }),
      message: noLimit
        ? `Quy trình ${label(process)} chưa có tổng thời hạn giải quyết (thuộc tính ${PROCESS_PROPERTY.timeLimit}, ngày làm việc) / Process ${process.id} has no total time limit`
        : `Tổng thời hạn "${raw}" của quy trình ${label(process)} phải là số dương, bội của 0,5 ngày / Total time limit of ${process.id} must be a positive multiple of 0.5 days`,
    });
  } else if (workingDaysWithin(total, unit) < longest.days) {
    // The steps are set in working days; the total in its legal unit leaves `available` of them for sure.
    const available = workingDaysWithin(total, unit);
    const words = TIME_LIMIT_UNIT_LABELS[unit];
    issues.push({
      elementId: process.id ?? '',
      rule: 'eiso/process-time-limit',
      category: 'error',
      code: 'BPMN_PROCESS_TIME_SHORT',
      params: { process: name(process), total, unit, available, longest: longest.days, path: longest.path.join(' → ') },
      message: `Tổng thời hạn của quy trình ${label(process)} (${total} ${words.vi}, chắc chắn có ${available} ngày làm việc) ngắn hơn tổng thời hạn các bước trên đường dài nhất (${longest.days} ngày làm việc: ${longest.path.join(' → ')}) / Total limit ${total} ${words.en} of ${process.id} (${available} working days for sure) is shorter than the longest path, ${longest.days} working days`,
    });
  }
}

/** The legal unit of the process's total (eiso.timeLimitUnit); working days when absent or unknown. */
export function legalUnitOf(process: ModdleElement): TimeLimitUnit {
  const raw = propertiesOf(process)[PROCESS_PROPERTY.timeLimitUnit]?.trim();
  return TIME_LIMIT_UNITS.includes(raw as TimeLimitUnit) ? (raw as TimeLimitUnit) : 'working_days';
}

export interface ValidateOptions {
  /** Codes of the organisation's units: when given, candidate groups must name one ("UNIT" or "UNIT/role"). */
  unitCodes?: ReadonlySet<string>;
}

/** A step of a process as the procedure sheet shows it, read from the model. */
export interface ModelStep {
  id: string;
  name: string;
  type: string;
  automated: boolean;
  jobType: string | null;
  candidateGroups: string[];
  candidateUsers: string[];
  assignee: string | null;
  formKey: string | null;
  meta: StepMeta;
}

export interface ProcessModel {
  id: string;
  name: string;
  totalTimeLimitDays: number | null;
  /** the legal unit of the total (eiso.timeLimitUnit) */
  totalTimeLimitUnit: TimeLimitUnit;
  longestPathDays: number;
  longestPath: string[];
  /** Tasks in reading order (the longest path from the start first), sub-processes flattened in place. */
  steps: ModelStep[];
}

/** Reads the steps, limits and their order from a process in a BPMN file (for the procedure sheet). */
export async function readProcessModel(xml: string, processId: string): Promise<ProcessModel | null> {
  const moddle = new BpmnModdle({ zeebe: zeebeSchema });
  const { rootElement } = await moddle.fromXML(xml);
  const process = ((rootElement as ModdleElement).rootElements ?? []).find((e) => e.$type === 'bpmn:Process' && e.id === processId);
  if (!process) return null;
  const steps: ModelStep[] = [];
  const walk = (scope: ModdleElement) => {
    const byId = new Map((scope.flowElements ?? []).map((e) => [e.id, e]));
    for (const id of longestPath(scope).order) {
      const el = byId.get(id)!;
      if (isContainer(el)) walk(el);
      // The deadline pattern's reminder and escalation tasks are machinery, not steps of the procedure.
      else if ((/Task$/.test(el.$type) || jobTypeOf(el)) && !DEADLINE_STEP_JOB_TYPES.has(jobTypeOf(el) ?? '')) {
        const a = ext(el, 'zeebe:AssignmentDefinition');
        const split = (v?: string) =>
          (v ?? '')
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean);
        const form = ext(el, 'zeebe:FormDefinition');
        steps.push({
          id,
          name: el.name?.trim() || id,
          type: el.$type,
          automated: el.$type !== 'bpmn:UserTask' && el.$type !== 'bpmn:ManualTask',
          jobType: jobTypeOf(el) ?? null,
          candidateGroups: split(a?.candidateGroups),
          candidateUsers: split(a?.candidateUsers),
          assignee: a?.assignee?.trim() || null,
          formKey: form?.formKey ?? (form?.formId ? `app:${form.formId}` : null),
          meta: stepMetaFromHeaders(headersOf(el)),
        });
      }
    }
  };
  walk(process);
  const longest = longestPath(process);
  return {
    id: processId,
    name: process.name ?? processId,
    totalTimeLimitDays: parseTimeLimit(propertiesOf(process)[PROCESS_PROPERTY.timeLimit]),
    totalTimeLimitUnit: legalUnitOf(process),
    longestPathDays: longest.days,
    longestPath: longest.path,
    steps,
  };
}

/**
 * Reads a BPMN file safely: size limit, no DTD, well-formed XML, a BPMN 2.0 definitions root. An
 * issue (rule eiso/size, eiso/dtd or eiso/parse) when it cannot be read at all; parse warnings
 * (unknown or unresolved elements) are returned, not thrown.
 */
export async function readBpmnFile(xml: string): Promise<
  | { issue: ValidationIssue }
  | {
      issue: null;
      definitions: ModdleElement;
      warnings: { message: string; element?: { id?: string } }[];
      processes: { id: string; name: string; isExecutable: boolean }[];
    }
> {
  const fail = <C extends ErrorCode>(code: C, params: ParamsOf<C>, message: string, rule = 'eiso/parse') => ({
    issue: { elementId: '', message, rule, category: 'error' as const, code, params } satisfies ValidationIssue,
  });
  if (Buffer.byteLength(xml, 'utf8') > MAX_BPMN_BYTES)
    return fail('BPMN_TOO_LARGE', { max: MAX_BPMN_BYTES }, `Tệp BPMN vượt quá ${MAX_BPMN_BYTES} byte / BPMN file exceeds ${MAX_BPMN_BYTES} bytes`, 'eiso/size');
  // No DTDs: they are never needed in BPMN and are the vehicle of XXE and entity-expansion attacks.
  if (/<!DOCTYPE|<!ENTITY/i.test(xml))
    return fail('BPMN_DTD', {}, 'Tệp BPMN không được chứa DOCTYPE/ENTITY / DOCTYPE and ENTITY declarations are not allowed', 'eiso/dtd');
  let definitions: ModdleElement;
  let warnings: { message: string; element?: { id?: string } }[];
  try {
    const moddle = new BpmnModdle({ zeebe: zeebeSchema });
    const parsed = await moddle.fromXML(xml);
    definitions = parsed.rootElement as ModdleElement;
    warnings = parsed.warnings as typeof warnings;
  } catch (err) {
    const detail = (err as Error).message.split('\n')[0] ?? '';
    return fail('BPMN_MALFORMED', { detail }, `XML không hợp lệ / Malformed BPMN XML: ${detail}`);
  }
  if (definitions?.$type !== 'bpmn:Definitions') return fail('BPMN_NOT_BPMN', {}, 'Không phải tệp BPMN 2.0 / Not a BPMN 2.0 definitions document');
  const processes = (definitions.rootElements ?? [])
    .filter((e) => e.$type === 'bpmn:Process' && e.id)
    .map((p) => ({ id: p.id!, name: p.name?.trim() || p.id!, isExecutable: Boolean(p.isExecutable) }));
  return { issue: null, definitions, warnings, processes };
}

/** Parses and lints a BPMN file the way a deploy needs it: errors block, warnings are reported. */
export async function validateBpmn(xml: string, opts: ValidateOptions = {}): Promise<ValidationResult> {
  const file = await readBpmnFile(xml);
  if (file.issue) return { ok: false, errors: [file.issue], warnings: [], processes: [] };
  const { definitions: rootElement, warnings } = file;

  const errors: ValidationIssue[] = warnings.map((w) => ({
    elementId: w.element?.id ?? '',
    code: 'BPMN_UNPARSABLE_ELEMENT' as const,
    params: { detail: w.message.split('\n')[0] ?? '' },
    message: `Phần tử không đọc được / Unparsable element: ${w.message.split('\n')[0]}`,
    rule: 'eiso/parse',
    category: 'error' as const,
  }));
  const lintWarnings: ValidationIssue[] = [];
  const reports = (await newLinter().lint(rootElement)) as Record<string, { id?: string; message: string; category: string }[]>;
  for (const [rule, list] of Object.entries(reports)) {
    for (const r of list) {
      // bpmnlint says its rules in English: the code names the rule, the web shows the linter's text with it.
      const issue: ValidationIssue = {
        elementId: r.id ?? '',
        message: r.message,
        rule,
        category: r.category === 'error' ? 'error' : 'warn',
        code: 'BPMN_LINT',
        params: { rule, element: r.id ?? '', detail: r.message },
      };
      (issue.category === 'error' ? errors : lintWarnings).push(issue);
    }
  }
  const processes = (rootElement.rootElements ?? []).filter((e) => e.$type === 'bpmn:Process');
  const executable = processes.filter((p) => p.isExecutable);
  if (executable.length === 0) {
    errors.push({
      elementId: processes[0]?.id ?? '',
      rule: 'eiso/executable',
      category: 'error',
      code: 'BPMN_NOT_EXECUTABLE',
      params: {},
      message: 'Không có quy trình nào được đánh dấu thực thi (isExecutable="true") / No executable process in the file',
    });
  }
  errors.push(...checkUserTaskOwners(executable));
  const ours: ValidationIssue[] = [];
  for (const p of executable) {
    checkPathsReachEnd(p, ours);
    checkGovernmentRules(p, ours, opts);
    // A decision's positive outcome must have its own condition: a missing decision must not approve.
    for (const d of approvingDefaultFlows(p)) {
      const flow = d.flowName ? `"${d.flowName}"` : d.flowId;
      ours.push({
        elementId: d.flowId,
        rule: 'eiso/default-flow-approves',
        category: 'warn',
        code: d.reason === 'named' ? 'BPMN_DEFAULT_FLOW_APPROVES' : 'BPMN_DEFAULT_FLOW_LEADS_ON',
        params: { gateway: d.gatewayName, flow: d.flowName || d.flowId },
        message:
          d.reason === 'named'
            ? `Cổng "${d.gatewayName}": luồng mặc định ${flow} là kết quả chấp thuận; hãy đặt điều kiện cho nó (chỉ để mặc định cho nhánh trả lại/từ chối), nếu không thiếu quyết định cũng thành chấp thuận / The default flow ${d.flowId} of gateway ${d.gatewayId} approves: give it a condition`
            : `Cổng "${d.gatewayName}": luồng mặc định ${flow} dẫn tiếp quy trình; hãy đặt điều kiện cho nó (chỉ để mặc định cho nhánh trả lại/từ chối) / The default flow ${d.flowId} of gateway ${d.gatewayId} leads on: give it a condition`,
      });
    }
  }
  for (const issue of ours) (issue.category === 'error' ? errors : lintWarnings).push(issue);
  return {
    ok: errors.length === 0,
    errors,
    warnings: lintWarnings,
    processes: executable.map((p) => ({
      id: p.id ?? '',
      name: p.name ?? p.id ?? '',
      elementNames: Object.fromEntries(
        collectFlowElements(p)
          .filter((e) => e.id && e.name)
          .map((e) => [e.id!, e.name!]),
      ),
    })),
  };
}

/**
 * Gives a process of a BPMN file a new id (references from participants and the diagram follow):
 * an imported file becomes a procedure under the id the designer chose. The file is re-serialized.
 */
export async function renameProcessId(xml: string, fromId: string, toId: string): Promise<string> {
  const moddle = new BpmnModdle({ zeebe: zeebeSchema });
  const { rootElement } = await moddle.fromXML(xml);
  const process = ((rootElement as ModdleElement).rootElements ?? []).find((e) => e.$type === 'bpmn:Process' && e.id === fromId);
  if (!process) throw new Error(`no process ${fromId}`);
  process.id = toId;
  return (await moddle.toXML(rootElement, { format: true })).xml;
}
