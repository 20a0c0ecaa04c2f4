import {
  flowElementsOf,
  getJobType,
  getProcessProperty,
  hasOwner,
  longestPathDays,
  processOf,
  processTimeLimit,
  stepTimeLimit,
  type ModdleElement,
} from '../step-meta-model.js';
import { workingDaysWithin } from '../../engine/model-graph.js';
import { PROCESS_PROPERTY, TIME_LIMIT_UNIT_LABELS, TIME_LIMIT_UNITS, type TimeLimitUnit } from '../../engine/step-meta.js';
import { approvingDefaultFlows } from '../../engine/default-flow.js';

/**
 * Our own bpmnlint rules (plugin name "eiso"): what a government procedure needs before it may be
 * published. Messages are English, like bpmnlint's; the translate module shows them in Vietnamese.
 */
type Reporter = { report(id: string, message: string): void };
type RuleFactory = () => { check(node: ModdleElement, reporter: Reporter): void };

const inExecutableProcess = (node: ModdleElement) => processOf(node)?.isExecutable === true;

/** A human step must say who handles it, or it reaches nobody's inbox. */
const userTaskOwner: RuleFactory = () => ({
  check(node, reporter) {
    if (node.$type === 'bpmn:UserTask' && inExecutableProcess(node) && !hasOwner(node)) {
      reporter.report(node.id ?? '', 'User task has no unit/role (candidate groups) or assignee');
    }
  },
});

/** A human step needs its time limit in working days (half days allowed). */
const userTaskTimeLimit: RuleFactory = () => ({
  check(node, reporter) {
    if (node.$type === 'bpmn:UserTask' && inExecutableProcess(node) && stepTimeLimit(node) === null) {
      reporter.report(node.id ?? '', 'User task has no time limit in working days (eiso.timeLimit)');
    }
  },
});

/** The procedure's statutory time limit exists and covers the steps on its longest path. */
const processTimeLimitCoversSteps: RuleFactory = () => ({
  check(node, reporter) {
    if (node.$type !== 'bpmn:Process' || !node.isExecutable) return;
    if (!flowElementsOf(node).some((e) => e.$type === 'bpmn:UserTask')) return;
    const limit = processTimeLimit(node);
    if (limit === null) {
      reporter.report(node.id ?? '', 'Process has no total time limit in working days (eiso.timeLimit)');
      return;
    }
    const needed = longestPathDays(node);
    const raw = getProcessProperty(node, PROCESS_PROPERTY.timeLimitUnit).trim() as TimeLimitUnit;
    const unit = TIME_LIMIT_UNITS.includes(raw) ? raw : 'working_days';
    const available = workingDaysWithin(limit, unit);
    if (needed > available)
      reporter.report(
        node.id ?? '',
        `Steps on the longest path take ${needed} working days, more than the ${available} working days a total of ${limit} ${TIME_LIMIT_UNIT_LABELS[unit].en} surely leaves`,
      );
  },
});

const JOB_TASK_TYPES = new Set([
  'bpmn:ServiceTask',
  'bpmn:SendTask',
  'bpmn:ScriptTask',
  'bpmn:BusinessRuleTask',
  'bpmn:IntermediateThrowEvent',
  'bpmn:EndEvent',
]);

/** No job type without a worker on the server (an instance would wait there for ever). */
function jobWorkerRule(jobTypes: readonly string[]): RuleFactory {
  return () => ({
    check(node, reporter) {
      if (!JOB_TASK_TYPES.has(node.$type) || !inExecutableProcess(node)) return;
      const type = getJobType(node);
      if (type && !type.includes('=') && !jobTypes.includes(type)) reporter.report(node.id ?? '', `No worker for job type "${type}"`);
    },
  });
}

/** A decision gateway's positive outcome is not taken by default (engine/default-flow.ts); a warning. */
const defaultFlowApproves: RuleFactory = () => ({
  check(node, reporter) {
    if (node.$type !== 'bpmn:Process' || !node.isExecutable) return;
    for (const d of approvingDefaultFlows(node)) {
      reporter.report(
        d.flowId,
        d.reason === 'named'
          ? `Default flow of gateway "${d.gatewayName}" approves: give it a condition`
          : `Default flow of gateway "${d.gatewayName}" leads on: give it a condition`,
      );
    }
  },
});

/** Our rules that warn instead of blocking publication. */
export const EISO_WARNINGS = new Set(['default-flow-approves']);

export const EISO_PLUGIN = 'bpmnlint-plugin-eiso';

/** Rule name -> factory; `jobTypes` undefined skips the worker check (the server did not say). */
export function eisoRules(jobTypes?: readonly string[]): Record<string, RuleFactory> {
  const rules: Record<string, RuleFactory> = {
    'user-task-owner': userTaskOwner,
    'user-task-time-limit': userTaskTimeLimit,
    'process-time-limit': processTimeLimitCoversSteps,
    'default-flow-approves': defaultFlowApproves,
  };
  if (jobTypes) rules['job-type-worker'] = jobWorkerRule(jobTypes);
  return rules;
}
