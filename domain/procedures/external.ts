import type { Knex } from 'knex';
import { readProcessModel, type ModelStep } from '../../engine/validate.js';
import { ROLES } from '../../engine/step-meta.js';

/**
 * What a version deployed outside the platform (zbctl, Camunda Modeler, the SDK; recorded from the
 * exported stream with origin 'external') lacks for the inbox: a human step nobody owns reaches no
 * inbox, a candidate group naming no unit or role reaches nobody, a form the platform has no copy of
 * cannot be shown. Checked when the list is read (units, users and forms change; the model does not).
 */
export interface DefinitionWarning {
  elementId: string;
  rule: string;
  category: 'warn';
  code?: string;
  params?: Record<string, string>;
  message: string;
}

/** Parsed user tasks by definition key: a deployed version never changes. */
const stepsCache = new Map<string, Promise<ModelStep[]>>();
const CACHE_LIMIT = 500;

function userTasksOf(key: string, xml: string, bpmnProcessId: string): Promise<ModelStep[]> {
  let hit = stepsCache.get(key);
  if (!hit) {
    hit = readProcessModel(xml, bpmnProcessId).then(
      (m) => (m?.steps ?? []).filter((s) => s.type === 'bpmn:UserTask'),
      () => [],
    );
    if (stepsCache.size >= CACHE_LIMIT) stepsCache.delete(stepsCache.keys().next().value!);
    stepsCache.set(key, hit);
  }
  return hit;
}

const isExpression = (v: string) => v.trim().startsWith('=');

/** Warnings per definition key for the given external versions (keys without problems map to []). */
export async function externalDefinitionWarnings(db: Knex, keys: string[]): Promise<Map<string, DefinitionWarning[]>> {
  const out = new Map<string, DefinitionWarning[]>();
  if (keys.length === 0) return out;
  const rows = (await db('process_definitions')
    .whereRaw('process_definition_key = ANY(?::bigint[])', [keys])
    .select(db.raw('process_definition_key::text AS key'), 'bpmn_process_id', 'xml')) as { key: string; bpmn_process_id: string; xml: string }[];
  const stepsByKey = new Map<string, ModelStep[]>();
  for (const r of rows) stepsByKey.set(r.key, await userTasksOf(r.key, r.xml, r.bpmn_process_id));
  const all = [...stepsByKey.values()].flat();
  const groups = new Set(all.flatMap((s) => s.candidateGroups).filter((g) => !isExpression(g)));
  const users = new Set(all.flatMap((s) => [...s.candidateUsers, ...(s.assignee ? [s.assignee] : [])]).filter((u) => !isExpression(u)));
  const formKeys = new Set(all.map((s) => s.formKey).filter((f): f is string => Boolean(f) && !isExpression(f!)));
  const unitCodes = new Set(
    groups.size === 0
      ? []
      : ((await db('org_units')
          .whereIn(
            'code',
            [...groups].map((g) => g.split('/')[0]),
          )
          .pluck('code')) as string[]),
  );
  const knownUsers = new Set(
    users.size === 0
      ? []
      : ((await db('users')
          .whereIn('username', [...users])
          .pluck('username')) as string[]),
  );
  const forms =
    formKeys.size === 0
      ? []
      : ((await db
          .select('form_key', db.raw('NULL::text AS key'))
          .from('forms')
          .whereIn('form_key', [...formKeys])
          .unionAll((q) =>
            q
              .select('form_key', db.raw('process_definition_key::text AS key'))
              .from('process_forms')
              .whereIn('form_key', [...formKeys])
              .whereRaw('process_definition_key = ANY(?::bigint[])', [keys]),
          )) as { form_key: string; key: string | null }[]);
  const formKnown = (definitionKey: string, formKey: string) => forms.some((f) => f.form_key === formKey && (f.key === null || f.key === definitionKey));

  for (const [key, steps] of stepsByKey) {
    const warnings: DefinitionWarning[] = [];
    for (const s of steps) {
      const base = { elementId: s.id, rule: 'eiso/user-task-owner', category: 'warn' as const };
      if (!s.assignee && s.candidateGroups.length === 0 && s.candidateUsers.length === 0) {
        warnings.push({
          ...base,
          code: 'BPMN_STEP_NO_OWNER',
          params: { step: s.name },
          message: `Bước "${s.name}" chưa có người xử lý (assignee hoặc candidate groups) / User task has no assignee or candidate groups`,
        });
      }
      for (const g of s.candidateGroups) {
        if (isExpression(g)) continue;
        const [unit, role, ...rest] = g.split('/');
        if (!unitCodes.has(unit) || rest.length > 0 || (role !== undefined && !(ROLES as readonly string[]).includes(role))) {
          warnings.push({
            ...base,
            code: 'BPMN_UNKNOWN_GROUP',
            params: { step: s.name, group: g },
            message: `Bước "${s.name}": nhóm xử lý "${g}" không có trong cơ cấu tổ chức (đơn vị hoặc đơn vị/vai trò) / Candidate group ${g} of ${s.id} names no unit or role of the organisation`,
          });
        }
      }
      for (const u of [...(s.assignee ? [s.assignee] : []), ...s.candidateUsers]) {
        if (isExpression(u) || knownUsers.has(u)) continue;
        warnings.push({
          ...base,
          code: 'BPMN_UNKNOWN_USER',
          params: { step: s.name, user: u },
          message: `Bước "${s.name}": người xử lý "${u}" không có tài khoản trên hệ thống / The user ${u} named by ${s.id} has no account`,
        });
      }
      if (s.formKey && !isExpression(s.formKey) && !formKnown(key, s.formKey)) {
        warnings.push({
          ...base,
          rule: 'eiso/user-task-form',
          code: 'TASK_FORM_MISSING',
          params: { form: s.formKey },
          message: `Không tìm thấy biểu mẫu ${s.formKey} của phiên bản quy trình này / The form ${s.formKey} of this process version is missing`,
        });
      }
    }
    out.set(key, warnings);
  }
  return out;
}
