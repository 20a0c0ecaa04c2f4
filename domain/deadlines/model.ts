import type { Knex } from 'knex';
import { BpmnModdle } from 'bpmn-moddle';
import zeebeSchema from 'zeebe-bpmn-moddle/resources/zeebe.json' with { type: 'json' };
import { PROCESS_PROPERTY, STEP_HEADER, parseTimeLimit } from '../../engine/step-meta.js';
import { headersOf, propertiesOf, readProcessModel } from '../../engine/validate.js';
import { TIME_LIMIT_UNITS, type TimeLimit, type TimeLimitUnit } from './calendar/index.js';

/** Process property naming the legal unit of eiso.timeLimit (TimeLimitUnit); absent = working_days. */
export const TIME_LIMIT_UNIT_PROPERTY = PROCESS_PROPERTY.timeLimitUnit;

/**
 * The process's limit in its legal unit: eiso.timeLimit with eiso.timeLimitUnit. For within_day the
 * value is 0 (eiso.timeLimit then stays the internal budget the validator checks against the steps);
 * calendar days must be whole. Null when absent or invalid.
 */
export function processTimeLimit(props: Record<string, string | undefined>): TimeLimit | null {
  const rawUnit = props[TIME_LIMIT_UNIT_PROPERTY]?.trim() || 'working_days';
  if (!TIME_LIMIT_UNITS.includes(rawUnit as TimeLimitUnit)) return null;
  const unit = rawUnit as TimeLimitUnit;
  if (unit === 'within_day') return { value: 0, unit };
  const value = parseTimeLimit(props[PROCESS_PROPERTY.timeLimit]);
  if (value === null || (unit === 'calendar_days' && !Number.isInteger(value))) return null;
  return { value, unit };
}

/** What the deadline workers need from a deployed process version. */
export interface DeadlineModel {
  processId: string;
  /** eiso.timeLimit of the process (working days); null when absent */
  timeLimitDays: number | null;
  /** the process's limit in its legal unit (eiso.timeLimit + eiso.timeLimitUnit); null when absent */
  timeLimit: TimeLimit | null;
  /** candidate groups of the human steps in reading order (the first one names the receiving unit) */
  stepGroupsInOrder: string[][];
  /** human steps by element id */
  steps: Map<string, { timeLimitDays: number | null; candidateGroups: string[]; name: string }>;
  /** a service task fed by a boundary event -> the element the boundary event is attached to */
  attachedStep: Map<string, string>;
}

interface El {
  $type: string;
  id?: string;
  name?: string;
  flowElements?: El[];
  rootElements?: El[];
  extensionElements?: { values?: El[] };
  candidateGroups?: string;
  attachedToRef?: El;
  sourceRef?: El;
  targetRef?: El;
}

const cache = new Map<string, Promise<DeadlineModel>>();
const MAX_CACHED = 500;

/** Reads the deadline settings of one BPMN process from its XML. */
export async function readDeadlineModel(xml: string, processId: string): Promise<DeadlineModel> {
  const { rootElement } = await new BpmnModdle({ zeebe: zeebeSchema }).fromXML(xml);
  const process = ((rootElement as El).rootElements ?? []).find((e) => e.$type === 'bpmn:Process' && e.id === processId);
  if (!process) throw new Error(`Process ${processId} is not in its deployed XML`);
  const steps: DeadlineModel['steps'] = new Map();
  const attachedStep = new Map<string, string>();
  const split = (v?: string) =>
    (v ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  const walk = (scope: El) => {
    for (const el of scope.flowElements ?? []) {
      if (el.$type === 'bpmn:UserTask' && el.id) {
        const a = el.extensionElements?.values?.find((v) => v.$type === 'zeebe:AssignmentDefinition');
        steps.set(el.id, {
          timeLimitDays: parseTimeLimit(headersOf(el)[STEP_HEADER.timeLimit]),
          candidateGroups: split(a?.candidateGroups),
          name: el.name?.trim() || el.id,
        });
      }
      if (el.$type === 'bpmn:SequenceFlow' && el.sourceRef?.$type === 'bpmn:BoundaryEvent' && el.sourceRef.attachedToRef?.id && el.targetRef?.id) {
        attachedStep.set(el.targetRef.id, el.sourceRef.attachedToRef.id);
      }
      if (el.flowElements) walk(el);
    }
  };
  walk(process);
  const order = (await readProcessModel(xml, processId))?.steps.filter((s) => s.type === 'bpmn:UserTask') ?? [];
  return {
    processId,
    timeLimitDays: parseTimeLimit(propertiesOf(process)[PROCESS_PROPERTY.timeLimit]),
    timeLimit: processTimeLimit(propertiesOf(process)),
    stepGroupsInOrder: order.map((s) => s.candidateGroups),
    steps,
    attachedStep,
  };
}

/**
 * The deadline model of a deployed process version (process_definitions keeps the XML the
 * platform deployed), parsed once per definition key and cached: a deployed version never changes.
 */
export function loadDeadlineModel(db: Knex, processDefinitionKey: string, processId: string): Promise<DeadlineModel> {
  let hit = cache.get(processDefinitionKey);
  if (!hit) {
    hit = (async () => {
      const row = await db('process_definitions').where({ process_definition_key: processDefinitionKey }).first('xml');
      if (!row) throw new Error(`Process definition ${processDefinitionKey} (${processId}) was not deployed through the platform: no XML`);
      return readDeadlineModel(row.xml as string, processId);
    })();
    hit.catch(() => cache.delete(processDefinitionKey));
    if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
    cache.set(processDefinitionKey, hit);
  }
  return hit;
}

/** The job's process definition key (on every activated job; the SDK's job type omits it), else looked up by id and version. */
export async function definitionKeyOf(db: Knex, job: { bpmnProcessId: string; processDefinitionVersion: number }): Promise<string> {
  const key = (job as unknown as { processDefinitionKey?: string }).processDefinitionKey;
  if (key) return String(key);
  const row = await db('process_definitions')
    .where({ bpmn_process_id: job.bpmnProcessId, version: job.processDefinitionVersion })
    .first('process_definition_key');
  if (!row) throw new Error(`Process ${job.bpmnProcessId} v${job.processDefinitionVersion} was not deployed through the platform`);
  return String(row.process_definition_key);
}
