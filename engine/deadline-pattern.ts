import { BpmnModdle } from 'bpmn-moddle';
import zeebeSchema from 'zeebe-bpmn-moddle/resources/zeebe.json' with { type: 'json' };
import { PROCESS_PROPERTY, STEP_HEADER, parseTimeLimit } from './step-meta.js';
import { DEADLINE_STEP_JOB_TYPES, JOB_TYPES } from './jobs/catalogue.js';

/**
 * Completes a model with the deadline pattern of engine/README.md ("Due dates through Zeebe"), so
 * that a time limit set in the modeler's panel is exactly what the engine runs:
 *
 * - a process with an `eiso.timeLimit` property gets the case listeners: `eiso-case-deadline` as the end
 *   listener of each of its own start events (not a start listener on the process: Zeebe 8.6.0 keeps a
 *   process-level listener's job on the process instance after it completes and then refuses to migrate
 *   the instance, camunda/camunda#33237; a process-level one left by an earlier version of this pattern is
 *   moved), and `eiso-case-finish` on the process's end;
 * - a user task with an `eiso.timeLimit` header gets the `eiso-step-deadline` start listener, a
 *   task schedule due at `=eisoStepDue`, and two non-interrupting timer boundary events
 *   (`=eisoStepRemind` → `eiso-step-reminder`, `=eisoStepDue` → `eiso-step-escalate`), each with
 *   its service task and end event, laid out under the step.
 *
 * Whatever the model already has is kept: an existing listener, schedule or timer with the same
 * expression is not added twice, so applying the pattern twice changes nothing.
 */

interface El {
  $type: string;
  id?: string;
  name?: string;
  [key: string]: any;
}

/** Job types of the service tasks the pattern adds: engine machinery, not steps of the procedure. */
export { DEADLINE_STEP_JOB_TYPES };

/** On the process itself: the case's end. */
const CASE_LISTENERS: [string, string][] = [['end', JOB_TYPES.caseFinish]];
/** On each start event of the process (not of its sub-processes): the case's appointment, before the first step. */
const CASE_START_LISTENERS: [string, string][] = [['end', JOB_TYPES.caseDeadline]];

const BRANCHES = [
  { suffix: 'NhacHan', expr: '=eisoStepRemind', jobType: JOB_TYPES.stepReminder, event: 'Sắp đến hạn', task: 'Nhắc hạn xử lý', end: 'Đã nhắc', dx: 0 },
  { suffix: 'QuaHan', expr: '=eisoStepDue', jobType: JOB_TYPES.stepEscalate, event: 'Quá hạn', task: 'Báo lãnh đạo: quá hạn', end: 'Đã báo', dx: 1 },
] as const;

export interface PatternResult {
  xml: string;
  /** ids of the user tasks that received something */
  completedSteps: string[];
}

export async function applyDeadlinePattern(xml: string): Promise<PatternResult> {
  const moddle = new BpmnModdle({ zeebe: zeebeSchema });
  const { rootElement } = await moddle.fromXML(xml);
  const defs = rootElement as El;
  const ids = new Set<string>();
  collectIds(defs, ids);
  const uniqueId = (base: string) => {
    let id = base;
    for (let i = 2; ids.has(id); i++) id = `${base}_${i}`;
    ids.add(id);
    return id;
  };
  const create = (type: string, attrs: Record<string, unknown> = {}) => moddle.create(type, attrs) as El;
  const completedSteps: string[] = [];
  let processChanged = false;

  const extensionValues = (el: El): El[] => {
    if (!el.extensionElements) el.extensionElements = create('bpmn:ExtensionElements', { values: [] });
    if (!el.extensionElements.values) el.extensionElements.values = [];
    return el.extensionElements.values as El[];
  };
  const findExt = (el: El, type: string): El | undefined => (el.extensionElements?.values as El[] | undefined)?.find((v) => v.$type === type);

  /** Adds listeners that are missing; true when something was added. */
  const ensureListeners = (el: El, wanted: [string, string][]): boolean => {
    let holder = findExt(el, 'zeebe:ExecutionListeners');
    let added = false;
    for (const [eventType, type] of wanted) {
      if ((holder?.listeners as El[] | undefined)?.some((l) => l.type === type && (l.eventType ?? 'start') === eventType)) continue;
      if (!holder) {
        holder = create('zeebe:ExecutionListeners', { listeners: [] });
        extensionValues(el).push(holder);
      }
      (holder.listeners as El[]).push(create('zeebe:ExecutionListener', { eventType, type }));
      added = true;
    }
    return added;
  };

  /** Removes a listener (a process-level case start listener of an earlier pattern); true when one was there. */
  const dropListener = (el: El, eventType: string, type: string): boolean => {
    const holder = findExt(el, 'zeebe:ExecutionListeners');
    const list = (holder?.listeners as El[] | undefined) ?? [];
    const kept = list.filter((l) => !(l.type === type && (l.eventType ?? 'start') === eventType));
    if (kept.length === list.length) return false;
    holder!.listeners = kept;
    if (!kept.length) el.extensionElements.values = (el.extensionElements.values as El[]).filter((v) => v !== holder);
    return true;
  };

  const plane = findPlane(defs);
  const shapeOf = (el: El) => (plane?.planeElement as El[] | undefined)?.find((d) => d.$type === 'bpmndi:BPMNShape' && d.bpmnElement === el);
  const addShape = (el: El, x: number, y: number, w: number, h: number) => {
    if (!plane) return;
    plane.planeElement = plane.planeElement ?? [];
    plane.planeElement.push(
      create('bpmndi:BPMNShape', { id: uniqueId(`${el.id}_di`), bpmnElement: el, bounds: create('dc:Bounds', { x, y, width: w, height: h }) }),
    );
  };
  const addEdge = (flow: El, points: [number, number][]) => {
    if (!plane) return;
    plane.planeElement.push(
      create('bpmndi:BPMNEdge', { id: uniqueId(`${flow.id}_di`), bpmnElement: flow, waypoint: points.map(([x, y]) => create('dc:Point', { x, y })) }),
    );
  };

  for (const process of ((defs.rootElements as El[]) ?? []).filter((e) => e.$type === 'bpmn:Process')) {
    const props = findExt(process, 'zeebe:Properties')?.properties as El[] | undefined;
    if (parseTimeLimit(props?.find((p) => p.name === PROCESS_PROPERTY.timeLimit)?.value) !== null) {
      if (dropListener(process, 'start', JOB_TYPES.caseDeadline)) processChanged = true;
      if (ensureListeners(process, CASE_LISTENERS)) processChanged = true;
      for (const start of ((process.flowElements as El[]) ?? []).filter((e) => e.$type === 'bpmn:StartEvent'))
        if (ensureListeners(start, CASE_START_LISTENERS)) processChanged = true;
    }

    for (const container of containers(process)) {
      const elements = (container.flowElements as El[]) ?? [];
      for (const task of elements.filter((e) => e.$type === 'bpmn:UserTask')) {
        const headers = (findExt(task, 'zeebe:TaskHeaders')?.values as El[] | undefined) ?? [];
        if (parseTimeLimit(headers.find((h) => h.key === STEP_HEADER.timeLimit)?.value) === null) continue;
        let changed = ensureListeners(task, [['start', JOB_TYPES.stepDeadline]]);
        if (!findExt(task, 'zeebe:TaskSchedule')) {
          extensionValues(task).push(create('zeebe:TaskSchedule', { dueDate: '=eisoStepDue' }));
          changed = true;
        }
        const timers = elements.filter((e) => e.$type === 'bpmn:BoundaryEvent' && e.attachedToRef === task);
        const bounds = shapeOf(task)?.bounds as { x: number; y: number; width: number; height: number } | undefined;
        // A multi-instance step: boundary events attach to its multi-instance body, which the engine
        // activates before any item's start listener has computed eisoStepDue (the timers' expressions
        // would raise an incident and no item would start). Each item still gets its due date
        // (listener and schedule run per item); the reminder and escalation timers are left out.
        const multiInstance = Boolean(task.loopCharacteristics);
        for (const b of multiInstance ? [] : BRANCHES) {
          if (
            timers.some((t) =>
              (t.eventDefinitions as El[] | undefined)?.some(
                (d) => d.$type === 'bpmn:TimerEventDefinition' && String(d.timeDate?.body ?? '').trim() === b.expr,
              ),
            )
          )
            continue;
          const boundary = create('bpmn:BoundaryEvent', {
            id: uniqueId(`${task.id}_${b.suffix}`),
            name: b.event,
            cancelActivity: false,
            attachedToRef: task,
            eventDefinitions: [
              create('bpmn:TimerEventDefinition', {
                id: uniqueId(`${task.id}_${b.suffix}_Timer`),
                timeDate: create('bpmn:FormalExpression', { body: b.expr }),
              }),
            ],
          });
          const service = create('bpmn:ServiceTask', {
            id: uniqueId(`${task.id}_${b.suffix}_Gui`),
            name: b.task,
            extensionElements: create('bpmn:ExtensionElements', { values: [create('zeebe:TaskDefinition', { type: b.jobType })] }),
          });
          const end = create('bpmn:EndEvent', { id: uniqueId(`${task.id}_${b.suffix}_Xong`), name: b.end });
          const f1 = create('bpmn:SequenceFlow', { id: uniqueId(`${task.id}_${b.suffix}_F1`), sourceRef: boundary, targetRef: service });
          const f2 = create('bpmn:SequenceFlow', { id: uniqueId(`${task.id}_${b.suffix}_F2`), sourceRef: service, targetRef: end });
          boundary.outgoing = [f1];
          service.incoming = [f1];
          service.outgoing = [f2];
          end.incoming = [f2];
          for (const el of [boundary, service, end, f1, f2]) {
            el.$parent = container;
            elements.push(el);
          }
          if (bounds) {
            // Under the step: the reminder at its bottom-left corner, the escalation at its bottom-right.
            const cx = b.dx === 0 ? bounds.x + 18 : bounds.x + bounds.width - 18;
            const by = bounds.y + bounds.height - 18;
            const sx = (b.dx === 0 ? bounds.x : bounds.x + bounds.width) - 45;
            const sy = bounds.y + bounds.height + 50;
            addShape(boundary, cx - 18, by, 36, 36);
            addShape(service, sx, sy, 90, 60);
            addShape(end, sx + 27, sy + 90, 36, 36);
            addEdge(f1, [
              [cx, by + 36],
              [cx, sy],
            ]);
            addEdge(f2, [
              [sx + 45, sy + 60],
              [sx + 45, sy + 90],
            ]);
          }
          changed = true;
        }
        if (changed && task.id) completedSteps.push(task.id);
      }
    }
  }

  if (completedSteps.length === 0 && !processChanged) return { xml, completedSteps };
  const { xml: out } = await moddle.toXML(defs, { format: true });
  return { xml: out, completedSteps };
}

/** The process and every sub-process inside it: boundary events live in the container of their task. */
function containers(process: El): El[] {
  const out = [process];
  for (const el of (process.flowElements as El[]) ?? []) if (el.flowElements) out.push(...containers(el));
  return out;
}

function findPlane(defs: El): El | undefined {
  return (defs.diagrams as El[] | undefined)?.[0]?.plane as El | undefined;
}

function collectIds(el: unknown, ids: Set<string>, seen = new Set<unknown>()): void {
  if (!el || typeof el !== 'object' || seen.has(el)) return;
  seen.add(el);
  const e = el as El;
  if (typeof e.id === 'string') ids.add(e.id);
  for (const [k, v] of Object.entries(e)) {
    if (k.startsWith('$') || k === 'bpmnElement' || k.endsWith('Ref') || k === 'incoming' || k === 'outgoing') continue;
    if (Array.isArray(v)) v.forEach((x) => collectIds(x, ids, seen));
    else if (v && typeof v === 'object') collectIds(v, ids, seen);
  }
}

/** A step's time limit as the designer set it (`eiso.timeLimit`, working days). */
export interface StepTimeLimit {
  elementId: string;
  workingDays: number;
}

export interface DrawnDiagram {
  /** the model without what {@link applyDeadlinePattern} added to the drawing (listeners and schedules stay, unseen) */
  xml: string;
  stepTimeLimits: StepTimeLimit[];
}

/**
 * The inverse of the pattern's drawing, for the diagrams officers and auditors read: each reminder and
 * escalation branch the pattern laid under a step (a non-interrupting timer at `=eisoStepRemind` or
 * `=eisoStepDue`, its service task of a deadline job type, its end event, the two flows and their shapes)
 * is taken out; a branch the designer drew (any other job type, any other shape) stays. The time limit of
 * each step is returned so the viewer can mark it on the step instead.
 */
export async function drawnDiagram(xml: string): Promise<DrawnDiagram> {
  const moddle = new BpmnModdle({ zeebe: zeebeSchema });
  const { rootElement } = await moddle.fromXML(xml);
  const defs = rootElement as El;
  const stepTimeLimits: StepTimeLimit[] = [];
  const removed = new Set<El>();
  const expressions = new Set<string>(BRANCHES.map((b) => b.expr));
  const jobTypeOf = (el: El): string | undefined =>
    ((el.extensionElements?.values as El[] | undefined)?.find((v) => v.$type === 'zeebe:TaskDefinition')?.type as string | undefined) ?? undefined;
  const only = <T>(list: T[] | undefined): T | undefined => (list && list.length === 1 ? list[0] : undefined);

  for (const process of ((defs.rootElements as El[]) ?? []).filter((e) => e.$type === 'bpmn:Process')) {
    for (const container of containers(process)) {
      const elements = (container.flowElements as El[]) ?? [];
      for (const task of elements.filter((e) => e.$type === 'bpmn:UserTask')) {
        const headers = ((task.extensionElements?.values as El[] | undefined)?.find((v) => v.$type === 'zeebe:TaskHeaders')?.values as El[] | undefined) ?? [];
        const days = parseTimeLimit(headers.find((h) => h.key === STEP_HEADER.timeLimit)?.value);
        if (days !== null && task.id) stepTimeLimits.push({ elementId: task.id, workingDays: days });
      }
      for (const boundary of elements.filter((e) => e.$type === 'bpmn:BoundaryEvent' && e.cancelActivity === false)) {
        const timer = only(boundary.eventDefinitions as El[] | undefined);
        if (timer?.$type !== 'bpmn:TimerEventDefinition' || !expressions.has(String(timer.timeDate?.body ?? '').trim())) continue;
        const f1 = only(boundary.outgoing as El[] | undefined);
        const service = f1?.targetRef as El | undefined;
        if (!f1 || service?.$type !== 'bpmn:ServiceTask' || !DEADLINE_STEP_JOB_TYPES.has(jobTypeOf(service) ?? '') || (service.incoming as El[]).length !== 1)
          continue;
        const f2 = only(service.outgoing as El[] | undefined);
        const end = f2?.targetRef as El | undefined;
        if (!f2 || end?.$type !== 'bpmn:EndEvent' || (end.incoming as El[]).length !== 1) continue;
        for (const el of [boundary, f1, service, f2, end]) removed.add(el);
      }
      if (removed.size) container.flowElements = elements.filter((e) => !removed.has(e));
    }
  }
  if (removed.size === 0) return { xml, stepTimeLimits };
  for (const diagram of (defs.diagrams as El[] | undefined) ?? []) {
    const plane = diagram.plane as El | undefined;
    if (plane?.planeElement) plane.planeElement = (plane.planeElement as El[]).filter((d) => !removed.has(d.bpmnElement as El));
  }
  const { xml: out } = await moddle.toXML(defs, { format: true });
  return { xml: out, stepTimeLimits };
}
