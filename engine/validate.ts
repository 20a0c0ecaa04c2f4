import { Linter } from 'bpmnlint';
import NodeResolver from 'bpmnlint/lib/resolver/node-resolver.js';
import { BpmnModdle } from 'bpmn-moddle';
import zeebeSchema from 'zeebe-bpmn-moddle/resources/zeebe.json' with { type: 'json' };

export interface ValidationIssue {
  elementId: string;
  message: string;
  rule: string;
  category: 'error' | 'warn';
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
const newLinter = () => new Linter({
  config: {
    extends: ['bpmnlint:recommended', 'plugin:camunda-compat/camunda-cloud-8-6'],
    rules: {
      // Diagram completeness is advice, not a reason to block a deploy.
      'label-required': 'warn',
      'no-bpmndi': 'warn',
      // We run human steps as job-based user tasks on purpose (the inbox lives in PostgreSQL).
      'camunda-compat/zeebe-user-task': 'off',
    },
  },
  resolver: new NodeResolver(),
});

interface ModdleElement {
  $type: string;
  id?: string;
  name?: string;
  isExecutable?: boolean;
  flowElements?: ModdleElement[];
  rootElements?: ModdleElement[];
  extensionElements?: { values?: ModdleElement[] };
  candidateGroups?: string;
  assignee?: string;
  candidateUsers?: string;
}

function collectFlowElements(container: ModdleElement, out: ModdleElement[] = []): ModdleElement[] {
  for (const el of container.flowElements ?? []) {
    out.push(el);
    if (el.flowElements) collectFlowElements(el, out);
  }
  return out;
}

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
          message: `Bước "${el.name ?? el.id}" chưa có người xử lý (assignee hoặc candidate groups) / User task has no assignee or candidate groups`,
        });
      }
    }
  }
  return issues;
}

/** Parses and lints a BPMN file the way a deploy needs it: errors block, warnings are reported. */
export async function validateBpmn(xml: string): Promise<ValidationResult> {
  const fail = (message: string, rule = 'eiso/parse'): ValidationResult => ({
    ok: false,
    errors: [{ elementId: '', message, rule, category: 'error' }],
    warnings: [],
    processes: [],
  });
  if (Buffer.byteLength(xml, 'utf8') > MAX_BPMN_BYTES) return fail(`Tệp BPMN vượt quá ${MAX_BPMN_BYTES} byte / BPMN file exceeds ${MAX_BPMN_BYTES} bytes`, 'eiso/size');
  // No DTDs: they are never needed in BPMN and are the vehicle of XXE and entity-expansion attacks.
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) return fail('Tệp BPMN không được chứa DOCTYPE/ENTITY / DOCTYPE and ENTITY declarations are not allowed', 'eiso/dtd');

  let rootElement: ModdleElement;
  let warnings: { message: string; element?: { id?: string } }[];
  try {
    const moddle = new BpmnModdle({ zeebe: zeebeSchema });
    const parsed = await moddle.fromXML(xml);
    rootElement = parsed.rootElement as unknown as ModdleElement;
    warnings = parsed.warnings as typeof warnings;
  } catch (err) {
    return fail(`XML không hợp lệ / Malformed BPMN XML: ${(err as Error).message}`);
  }
  if (rootElement?.$type !== 'bpmn:Definitions') return fail('Không phải tệp BPMN 2.0 / Not a BPMN 2.0 definitions document');

  const errors: ValidationIssue[] = warnings.map((w) => ({
    elementId: w.element?.id ?? '',
    message: `Phần tử không đọc được / Unparsable element: ${w.message.split('\n')[0]}`,
    rule: 'eiso/parse',
    category: 'error' as const,
  }));
  const lintWarnings: ValidationIssue[] = [];
  const reports = (await newLinter().lint(rootElement)) as Record<string, { id?: string; message: string; category: string }[]>;
  for (const [rule, list] of Object.entries(reports)) {
    for (const r of list) {
      const issue: ValidationIssue = { elementId: r.id ?? '', message: r.message, rule, category: r.category === 'error' ? 'error' : 'warn' };
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
      message: 'Không có quy trình nào được đánh dấu thực thi (isExecutable="true") / No executable process in the file',
    });
  }
  errors.push(...checkUserTaskOwners(executable));
  return {
    ok: errors.length === 0,
    errors,
    warnings: lintWarnings,
    processes: executable.map((p) => ({
      id: p.id ?? '',
      name: p.name ?? p.id ?? '',
      elementNames: Object.fromEntries(collectFlowElements(p).filter((e) => e.id && e.name).map((e) => [e.id!, e.name!])),
    })),
  };
}
