import type { Knex } from 'knex';
import type { ErrorCode } from '../../lib/errors.js';
import vm from 'node:vm';
import { evaluate } from '@bpmn-io/feelin';
import { ownedVariablesIn } from '../../engine/owned-variables.js';
import type { InboxRow } from './store.js';
import { deployedModel } from '../../engine/model-meta.js';
export { variablesOfFeel } from '../../engine/feel-names.js';

/**
 * What a completion (POST /api/tasks/:id/complete) may carry, checked on the server as Camunda's
 * Tasklist checks it in the browser, and more strictly:
 * - a task with a form: only the keys of the form's input fields (nested groups and dynamic lists
 *   included) that are enabled, visible (conditional `hide` evaluated with FEEL on the task's
 *   variables and the submitted values) and not read-only; each value of the field's type, one of its
 *   allowed options, within validate.min/max, minLength/maxLength, and `pattern` when the pattern is
 *   safe (see {@link safePattern}); every required field present;
 * - a task without a form: only the variables its model reads when the step ends (sources of its
 *   output mappings and the variables of the conditions of the gateways right after it);
 * - never a variable the platform owns (engine/owned-variables.ts).
 * The form is the one deployed with the task's process version (process_forms).
 */

export interface FieldProblem {
  /** variable name, or path inside it (`phatHien[0].noiDung`) */
  key: string;
  /** the field's label as the officer sees it (the key when it has none) */
  label: string;
  /** What is wrong, as a stable code with its params (lib/errors.ts), for the reader's language. */
  code: ErrorCode;
  params?: Record<string, string | number>;
  /** The same in both languages, for API clients without the texts. */
  message: string;
}

/** A refused completion: 400 with every field named. */
export class TaskInputError extends Error {
  statusCode = 400;
  error = 'Bad Request';
  constructor(
    public fields: FieldProblem[],
    message?: string,
    public code: ErrorCode = 'TASK_INPUT_INVALID',
    public params?: Record<string, string | number>,
  ) {
    super(
      message ??
        `Dữ liệu hoàn thành công việc không hợp lệ: ${fields.map((f) => `${f.label}: ${f.message}`).join('; ')} / Invalid completion data: ${fields.map((f) => f.key).join(', ')}`,
    );
  }
}

/** A free text without maxLength is still bounded (characters). */
export const MAX_TEXT_LENGTH = 20_000;
/** Patterns are only tested on values up to this length (after maxLength) and only when safe. */
export const MAX_PATTERN_INPUT = 1_000;
/** Rows of a dynamic list. */
export const MAX_LIST_ROWS = 500;

interface Component {
  type?: string;
  key?: string;
  path?: string;
  id?: string;
  label?: string;
  dateLabel?: string;
  timeLabel?: string;
  subtype?: string;
  disabled?: boolean | string;
  readonly?: boolean | string;
  components?: Component[];
  conditional?: { hide?: string };
  validate?: {
    required?: boolean | string;
    min?: number | string;
    max?: number | string;
    minLength?: number | string;
    maxLength?: number | string;
    pattern?: string;
    validationType?: string;
  };
  values?: { label?: string; value?: unknown }[];
  valuesKey?: string;
  valuesExpression?: string;
  serializeToString?: boolean;
  decimalDigits?: number;
  use24h?: boolean;
  timeSerializingFormat?: string;
}

/** Input fields whose value the server can check; any other keyed type is not accepted. */
const TEXT = new Set(['textfield', 'textarea']);
const SINGLE = new Set(['select', 'radio']);
const MULTI = new Set(['checklist', 'taglist']);
const INPUTS = new Set([...TEXT, ...SINGLE, ...MULTI, 'number', 'checkbox', 'datetime']);
/** Layout and display components: no value. */
const DISPLAY = new Set(['text', 'html', 'image', 'separator', 'spacer', 'table', 'iframe', 'button', 'default']);

type Vars = Record<string, unknown>;

const isPlainObject = (v: unknown): v is Vars => v !== null && typeof v === 'object' && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;
const isEmpty = (v: unknown) => v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);

/** FEEL: `=expr` is evaluated on the context; anything else is itself. Errors give `fallback`. */
function feel(value: unknown, context: Vars, fallback: unknown): unknown {
  if (typeof value !== 'string' || !value.startsWith('=')) return value;
  try {
    return evaluate(value.slice(1), context).value;
  } catch {
    return fallback;
  }
}

/** Each character class ("[^a-z]") replaced by one "x", by a scan (a pattern for it would backtrack). */
function withoutClasses(p: string): string {
  let out = '';
  for (let i = 0; i < p.length; i++) {
    if (p[i] !== '[') {
      out += p[i];
      continue;
    }
    const end = p.indexOf(']', i + 1);
    out += 'x';
    if (end < 0) break;
    i = end;
  }
  return out;
}

/**
 * True when a group holding a quantifier, an alternation or another group is itself repeated
 * (`(a+)+`, `(a|aa)*`, `((ab)c)+`, `(x{2})*`): the shapes that backtrack catastrophically.
 */
function quantifiedComplexGroup(bare: string): boolean {
  const opens: number[] = [];
  for (let i = 0; i < bare.length; i++) {
    if (bare[i] === '(') opens.push(i);
    if (bare[i] !== ')') continue;
    const start = opens.pop();
    if (start === undefined) continue;
    let j = i + 1;
    while (bare[j] === ' ') j++;
    const repeated = bare[j] === '*' || bare[j] === '+' || (bare[j] === '{' && /^\{\d+,/.test(bare.slice(j, j + 12)));
    const inner = bare.slice(start + 1, i);
    if (repeated && (/[*+?|()]/.test(inner) || inner.includes('{'))) return true;
  }
  return false;
}

/**
 * A pattern is tested only when it cannot backtrack catastrophically: at most 200 characters, no
 * back-references or lookarounds, and no quantified group that itself contains a quantifier or an
 * alternation (`(a+)+`, `(a|aa)*`). Unsafe patterns are skipped (the browser still checks them).
 * What passes is still tested on at most MAX_PATTERN_INPUT characters, in a vm context interrupted
 * after PATTERN_TIMEOUT_MS (polynomial patterns such as `a+a+a+b`).
 */
export function safePattern(pattern: string): RegExp | null {
  if (pattern.length > 200) return null;
  if (/\\[1-9]|\\k<|\(\?<?[=!]/.test(pattern)) return null;
  // Strip escapes and character classes, then look for a group holding a quantifier/alternation followed by a quantifier.
  const bare = withoutClasses(pattern.replace(/\\./g, 'x'));
  if (quantifiedComplexGroup(bare)) return null;
  try {
    // As form-js tests it in the browser (unanchored, no flags), so both agree on what passes.
    return new RegExp(pattern);
  } catch {
    return null;
  }
}

/** Time a pattern may take on one value; beyond it the value is refused (a pattern the static check let through still backtracks). */
export const PATTERN_TIMEOUT_MS = 50;
const patternContext = vm.createContext({ p: '', s: '' });
const patternScript = new vm.Script('new RegExp(p).test(s)');

/**
 * Tests a (statically safe) pattern on a bounded value in a context that is interrupted after
 * PATTERN_TIMEOUT_MS. The vm's timeout counts wall time: on a loaded machine the process may simply not
 * have run for 50 ms. A try that timed out having spent less than half the budget on the CPU is tried
 * again (up to three tries); a pattern that really backtracks burns its budget each time and is refused.
 */
function testPattern(pattern: string, value: string): boolean | 'timeout' {
  patternContext.p = pattern;
  patternContext.s = value;
  for (let attempt = 1; ; attempt++) {
    const cpu = process.cpuUsage();
    try {
      return patternScript.runInContext(patternContext, { timeout: PATTERN_TIMEOUT_MS }) === true;
    } catch (err) {
      if ((err as { code?: string }).code !== 'ERR_SCRIPT_EXECUTION_TIMEOUT') return false;
      const used = process.cpuUsage(cpu);
      const usedMs = (used.user + used.system) / 1000;
      if (attempt >= 3 || usedMs >= PATTERN_TIMEOUT_MS / 2) return 'timeout';
    }
  }
}

const EMAIL = /^[^\s@]{1,64}@[^\s@.]{1,63}(\.[^\s@.]{1,63}){1,8}$/;
const PHONE = /^\+?[0-9 ()-]{6,20}$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME = /^([01]\d|2[0-3]):[0-5]\d(Z|[+-](0\d|1[0-4]):[0-5]\d)?$/;

function validDate(s: string): boolean {
  const m = DATE.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const day = new Date(Date.UTC(y, mo - 1, d));
  return day.getUTCFullYear() === y && day.getUTCMonth() === mo - 1 && day.getUTCDate() === d;
}

/** Allowed option values of a select/radio/checklist/taglist: static, from a variable, or from a FEEL expression. */
function optionsOf(c: Component, context: Vars): unknown[] | null {
  let list: unknown = c.values;
  if (c.valuesKey) list = context[c.valuesKey];
  else if (c.valuesExpression) list = feel(c.valuesExpression, context, []);
  if (!Array.isArray(list)) return c.valuesKey || c.valuesExpression ? [] : null;
  return list.map((o) => (isPlainObject(o) && 'value' in o ? o.value : o));
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

class Checker {
  problems: FieldProblem[] = [];
  /** Top-level variables to send to the engine (read-only echoes dropped). */
  out: Vars = {};
  constructor(
    private context: Vars,
    private current: Vars,
  ) {}

  add(key: string, label: string, code: ErrorCode, message: string, params?: Record<string, string | number>) {
    this.problems.push({ key, label, code, message, ...(params ? { params } : {}) });
  }

  /** Checks `data` (an object level: the submission, or a dynamic list row) against `components`. */
  level(components: Component[], data: Vars, prefix: string, out: Vars, current: Vars | undefined, ctx: Vars): void {
    const claimed = new Set<string>();
    this.walk(components, data, prefix, out, current, ctx, claimed, []);
    for (const k of Object.keys(data)) {
      if (claimed.has(k)) continue;
      this.add(prefix + k, k, 'FIELD_NOT_IN_FORM', "trường không có trong biểu mẫu của bước này / not a field of this step's form");
    }
  }

  private walk(
    components: Component[],
    data: Vars,
    prefix: string,
    out: Vars,
    current: Vars | undefined,
    ctx: Vars,
    claimed: Set<string>,
    path: string[],
  ): void {
    for (const c of components ?? []) {
      if (!c || typeof c !== 'object') continue;
      const type = c.type ?? '';
      if (type === 'group' && Array.isArray(c.components)) {
        // A group's `path` nests its fields' values under that path.
        const groupPath = c.path ? c.path.split('.') : [];
        this.walk(c.components, data, prefix, out, current, ctx, claimed, [...path, ...groupPath]);
        continue;
      }
      const key = type === 'dynamiclist' ? (c.path ?? c.key) : c.key;
      if (!key || DISPLAY.has(type)) continue;
      const fullPath = [...path, ...key.split('.')];
      const top = fullPath[0];
      const label = c.label || c.dateLabel || c.timeLabel || key;
      const name = prefix + fullPath.join('.');
      claimed.add(top);
      const present = hasPath(data, fullPath);
      const value = present ? getPath(data, fullPath) : undefined;
      const hidden = c.conditional?.hide ? feel(c.conditional.hide, ctx, false) === true : false;
      const disabled = feel(c.disabled, ctx, false) === true;
      const readonly = feel(c.readonly, ctx, false) === true;
      if (disabled || hidden) {
        if (present) {
          this.add(
            name,
            label,
            disabled ? 'FIELD_DISPLAY_ONLY' : 'FIELD_HIDDEN',
            disabled
              ? 'trường chỉ để hiển thị, không được gửi / display-only field, must not be submitted'
              : "trường đang ẩn theo điều kiện của biểu mẫu, không được gửi / hidden by the form's condition, must not be submitted",
          );
        }
        continue;
      }
      if (readonly) {
        // form-js sends a read-only field's value back unchanged: accepted when unchanged, never forwarded.
        if (present && !same(value, current ? getPath(current, fullPath) : undefined)) {
          this.add(name, label, 'FIELD_READONLY', 'trường chỉ đọc, không được thay đổi / read-only field, must not be changed');
        }
        continue;
      }
      const required = feel(c.validate?.required, ctx, true) === true;
      if (type === 'dynamiclist') {
        if (!present || value === null) {
          if (required) this.add(name, label, 'FIELD_REQUIRED', 'bắt buộc / required');
          continue;
        }
        if (!Array.isArray(value) || value.length > MAX_LIST_ROWS || !value.every(isPlainObject)) {
          this.add(name, label, 'FIELD_LIST_ROWS', `phải là danh sách (tối đa ${MAX_LIST_ROWS} dòng) / must be a list of rows (at most ${MAX_LIST_ROWS})`, {
            max: MAX_LIST_ROWS,
          });
          continue;
        }
        const rows: Vars[] = [];
        value.forEach((row, i) => {
          const rowOut: Vars = {};
          this.level(c.components ?? [], row, `${name}[${i}].`, rowOut, undefined, { ...ctx, ...row });
          rows.push(rowOut);
        });
        setPath(out, fullPath, rows);
        continue;
      }
      if (!INPUTS.has(type)) {
        if (present)
          this.add(
            name,
            label,
            'FIELD_TYPE_NOT_ACCEPTED',
            `loại trường "${type}" không nhận dữ liệu qua hoàn thành công việc / field type "${type}" is not accepted`,
            { type },
          );
        continue;
      }
      if (!present) {
        if (required) this.add(name, label, 'FIELD_REQUIRED', 'bắt buộc / required');
        continue;
      }
      // Empty as form-js sends it (null, '', []; an unticked box): refused when required, else forwarded as is.
      if (isEmpty(value) || (type === 'checkbox' && value === false)) {
        if (required) this.add(name, label, 'FIELD_REQUIRED', 'bắt buộc / required');
        else setPath(out, fullPath, value);
        continue;
      }
      if (this.value(c, name, label, value, ctx)) setPath(out, fullPath, value);
    }
  }

  /** Type, options and limits of one non-empty value; false (and a problem) when refused. */
  private value(c: Component, name: string, label: string, value: unknown, ctx: Vars): boolean {
    const type = c.type!;
    const v = c.validate ?? {};
    const num = (x: unknown) => {
      const n = Number(feel(x, ctx, undefined));
      return x === undefined || x === null || x === '' || Number.isNaN(n) ? undefined : n;
    };
    const fail = (code: ErrorCode, message: string, params?: Record<string, string | number>) => (this.add(name, label, code, message, params), false);
    if (TEXT.has(type)) {
      if (typeof value !== 'string') return fail('FIELD_TEXT', 'phải là chuỗi ký tự / must be text');
      const len = value.trim().length;
      const max = num(v.maxLength) ?? MAX_TEXT_LENGTH;
      const min = num(v.minLength);
      if (value.length > Math.max(max, MAX_TEXT_LENGTH) || len > max)
        return fail('FIELD_MAX_LENGTH', `tối đa ${max} ký tự / at most ${max} characters`, { max });
      if (min !== undefined && len < min) return fail('FIELD_MIN_LENGTH', `tối thiểu ${min} ký tự / at least ${min} characters`, { min });
      if (v.validationType === 'email' && !EMAIL.test(value)) return fail('FIELD_EMAIL', 'không phải địa chỉ thư điện tử hợp lệ / not a valid e-mail address');
      if (v.validationType === 'phone' && !PHONE.test(value)) return fail('FIELD_PHONE', 'không phải số điện thoại hợp lệ / not a valid phone number');
      if (typeof v.pattern === 'string' && safePattern(v.pattern)) {
        if (value.length > MAX_PATTERN_INPUT)
          return fail('FIELD_PATTERN_INPUT_TOO_LONG', `quá dài để kiểm tra định dạng (tối đa ${MAX_PATTERN_INPUT} ký tự) / too long to check its format`, {
            max: MAX_PATTERN_INPUT,
          });
        const matched = testPattern(v.pattern, value);
        if (matched === 'timeout')
          return fail('FIELD_PATTERN_TIMEOUT', 'không kiểm tra được định dạng trong thời gian cho phép / the format check took too long');
        if (!matched) return fail('FIELD_PATTERN', 'không đúng định dạng yêu cầu / does not match the required format');
      }
      return true;
    }
    if (type === 'number') {
      let n: number;
      if (typeof value === 'number') n = value;
      else if (typeof value === 'string' && c.serializeToString && /^-?\d{1,30}(\.\d{1,30})?$/.test(value)) n = Number(value);
      else return fail('FIELD_NUMBER', 'phải là số / must be a number');
      if (!Number.isFinite(n)) return fail('FIELD_NUMBER', 'phải là số / must be a number');
      if (typeof c.decimalDigits === 'number' && c.decimalDigits >= 0) {
        const decimals = (String(value).split('.')[1] ?? '').length;
        if (decimals > c.decimalDigits)
          return c.decimalDigits === 0
            ? fail('FIELD_INTEGER', 'phải là số nguyên / must be an integer')
            : fail('FIELD_DECIMALS', `tối đa ${c.decimalDigits} chữ số thập phân / at most ${c.decimalDigits} decimals`, { max: c.decimalDigits });
      }
      const min = num(v.min);
      const max = num(v.max);
      if (min !== undefined && n < min) return fail('FIELD_MIN', `phải từ ${min} trở lên / must be at least ${min}`, { min });
      if (max !== undefined && n > max) return fail('FIELD_MAX', `không được vượt quá ${max} / must be at most ${max}`, { max });
      return true;
    }
    if (type === 'checkbox') return typeof value === 'boolean' || fail('FIELD_BOOLEAN', 'phải là đúng/sai / must be true or false');
    if (SINGLE.has(type)) {
      const options = optionsOf(c, ctx);
      if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean')
        return fail('FIELD_OPTION', 'phải là một lựa chọn của danh sách / must be one of the options');
      if (options && !options.some((o) => same(o, value)))
        return fail('FIELD_OPTION_UNKNOWN', `giá trị "${String(value).slice(0, 50)}" không có trong danh sách lựa chọn / not one of the options`, {
          value: String(value).slice(0, 50),
        });
      return true;
    }
    if (MULTI.has(type)) {
      const options = optionsOf(c, ctx);
      if (!Array.isArray(value) || value.length > 1000) return fail('FIELD_OPTIONS_LIST', 'phải là danh sách các lựa chọn / must be a list of options');
      const bad = value.filter((x) => (options ? !options.some((o) => same(o, x)) : typeof x !== 'string'));
      if (bad.length) {
        const values = bad
          .slice(0, 5)
          .map((b) => JSON.stringify(b)?.slice(0, 50))
          .join(', ');
        return fail('FIELD_OPTIONS_UNKNOWN', `có giá trị không thuộc danh sách lựa chọn: ${values} / values not among the options`, { values });
      }
      if (new Set(value.map((x) => JSON.stringify(x))).size !== value.length) return fail('FIELD_DUPLICATES', 'có giá trị trùng lặp / duplicate values');
      return true;
    }
    if (type === 'datetime') {
      if (typeof value !== 'string') return fail('FIELD_DATETIME_TEXT', 'phải là ngày/giờ dạng chuỗi / must be a date or time string');
      const sub = c.subtype ?? 'date';
      if (sub === 'date') return validDate(value) || fail('FIELD_DATE', 'phải là ngày dạng YYYY-MM-DD / must be a date YYYY-MM-DD');
      if (sub === 'time') return TIME.test(value) || fail('FIELD_TIME', 'phải là giờ dạng HH:mm / must be a time HH:mm');
      const [d, t, ...rest] = value.split('T');
      return (
        (rest.length === 0 && d !== undefined && t !== undefined && validDate(d) && TIME.test(t)) ||
        fail('FIELD_DATETIME', 'phải là ngày giờ dạng YYYY-MM-DDTHH:mm / must be a date-time YYYY-MM-DDTHH:mm')
      );
    }
    return fail('FIELD_TYPE_UNSUPPORTED', 'loại trường không được hỗ trợ / unsupported field type');
  }
}

function hasPath(o: Vars, path: string[]): boolean {
  let cur: unknown = o;
  for (const p of path) {
    if (!isPlainObject(cur) || !Object.hasOwn(cur, p)) return false;
    cur = cur[p];
  }
  return true;
}
function getPath(o: Vars, path: string[]): unknown {
  let cur: unknown = o;
  for (const p of path) cur = isPlainObject(cur) && Object.hasOwn(cur, p) ? cur[p] : undefined;
  return cur;
}
function setPath(o: Vars, path: string[], value: unknown): void {
  let cur = o;
  for (const p of path.slice(0, -1)) {
    if (!isPlainObject(cur[p])) cur[p] = {};
    cur = cur[p] as Vars;
  }
  cur[path[path.length - 1]] = value;
}

/**
 * Checks a completion against a form-js schema. Returns the variables to send to the engine, or
 * the problems. `current` are the task's variables (for conditions, options from variables and
 * read-only fields).
 */
export function checkAgainstForm(schema: { components?: Component[] }, submitted: Vars, current: Vars): { variables: Vars; problems: FieldProblem[] } {
  const checker = new Checker({ ...current, ...submitted }, current);
  checker.level(schema.components ?? [], submitted, '', checker.out, current, { ...current, ...submitted });
  // Nested paths: a top-level key claimed by a nested field but carrying extra keys is reported by hasPath misses only; check leftovers.
  for (const [k, v] of Object.entries(submitted)) {
    if (isPlainObject(v) && !checker.problems.some((p) => p.key === k || p.key.startsWith(`${k}.`))) {
      for (const extra of leftovers(v, isPlainObject(checker.out[k]) ? checker.out[k] : {}, k))
        checker.add(extra, extra, 'FIELD_NOT_IN_FORM', "trường không có trong biểu mẫu của bước này / not a field of this step's form");
    }
  }
  return { variables: checker.out, problems: checker.problems };
}

/** Keys of a submitted nested object that no field took (the dotted-key and group-path case). */
function leftovers(submitted: Vars, taken: Vars, prefix: string): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(submitted)) {
    if (!Object.hasOwn(taken, k)) out.push(`${prefix}.${k}`);
    else if (isPlainObject(v) && isPlainObject(taken[k])) out.push(...leftovers(v, taken[k], `${prefix}.${k}`));
  }
  return out;
}

/** The deployed form of a task: the schema deployed with its process version (see the fallback below). */
export async function formOfTask(
  db: Knex,
  row: Pick<InboxRow, 'form_key' | 'process_definition_key' | 'bpmn_process_id' | 'process_version'>,
): Promise<{ components?: Component[] } | null> {
  if (!row.form_key) return null;
  const pinned = await db('process_forms as f')
    .join('process_definitions as d', 'd.process_definition_key', 'f.process_definition_key')
    .where('f.form_key', row.form_key)
    .where((w) => {
      if (String(row.process_definition_key) !== '0') w.where('d.process_definition_key', String(row.process_definition_key));
      else w.where({ 'd.bpmn_process_id': row.bpmn_process_id, 'd.version': row.process_version });
    })
    .first('f.schema');
  if (pinned) return pinned.schema as { components?: Component[] };
  // A version deployed before forms were versioned (migration 20261123000800) has no forms of its
  // own: like the task page, use the latest schema of that key. A version with forms but not this
  // one gets nothing (the completion is refused).
  const ownForms = await db('process_forms as f')
    .join('process_definitions as d', 'd.process_definition_key', 'f.process_definition_key')
    .where((w) => {
      if (String(row.process_definition_key) !== '0') w.where('d.process_definition_key', String(row.process_definition_key));
      else w.where({ 'd.bpmn_process_id': row.bpmn_process_id, 'd.version': row.process_version });
    })
    .first('f.form_key');
  if (ownForms) return null;
  const latest = await db('forms').where({ form_key: row.form_key }).first('schema');
  return (latest?.schema as { components?: Component[] } | undefined) ?? null;
}

/**
 * The whole check of a completion. Throws {@link TaskInputError} (400) naming each field; returns the
 * variables to send to the engine.
 */
export async function checkCompletion(db: Knex, row: InboxRow, submitted: Vars): Promise<Vars> {
  if (!isPlainObject(submitted))
    throw new TaskInputError([{ key: '', label: '', code: 'INPUT_NOT_OBJECT', message: 'phải là một đối tượng / must be an object' }]);
  const owned = ownedVariablesIn(submitted).map((k) => ({
    key: k,
    label: k,
    code: 'VARIABLE_OWNED' as const,
    message: 'biến do hệ thống quản lý, không được đặt khi hoàn thành công việc / owned by the platform, cannot be set by a completion',
  }));
  if (owned.length) {
    throw new TaskInputError(
      owned,
      `Không được đặt biến do hệ thống quản lý: ${owned.map((o) => o.key).join(', ')} / Variables owned by the platform cannot be set: ${owned.map((o) => o.key).join(', ')}`,
      'TASK_INPUT_OWNED',
      { names: owned.map((o) => o.key).join(', ') },
    );
  }
  const current = (row.variables ?? {}) as Vars;
  if (row.form_key) {
    const schema = await formOfTask(db, row);
    if (!schema) {
      throw new TaskInputError(
        [],
        `Không tìm thấy biểu mẫu ${row.form_key} của phiên bản quy trình này, không thể kiểm tra dữ liệu / The form ${row.form_key} of this process version is missing; the completion cannot be checked`,
        'TASK_FORM_MISSING',
        { form: row.form_key },
      );
    }
    const { variables, problems } = checkAgainstForm(schema, submitted, current);
    if (problems.length) throw new TaskInputError(problems);
    return variables;
  }
  // No form: only what the model reads when this step ends.
  const model = await deployedModel(db, {
    processDefinitionKey: String(row.process_definition_key),
    bpmnProcessId: row.bpmn_process_id,
    version: row.process_version,
  });
  const declared = new Set(model?.elements.get(row.element_id)?.completionVariables ?? []);
  const problems: FieldProblem[] = [];
  for (const [k, v] of Object.entries(submitted)) {
    if (!declared.has(k)) {
      problems.push({
        key: k,
        label: k,
        ...(declared.size ? { code: 'FIELD_NOT_DECLARED' as const, params: { accepted: [...declared].join(', ') } } : { code: 'FIELD_NO_INPUT' as const }),
        message: declared.size
          ? `bước này không có biểu mẫu và chỉ nhận: ${[...declared].join(', ')} / this step has no form and accepts only: ${[...declared].join(', ')}`
          : 'bước này không có biểu mẫu và không nhận dữ liệu / this step has no form and accepts no variables',
      });
    } else if (typeof v === 'string' && v.length > MAX_TEXT_LENGTH) {
      problems.push({
        key: k,
        label: k,
        code: 'FIELD_MAX_LENGTH',
        params: { max: MAX_TEXT_LENGTH },
        message: `tối đa ${MAX_TEXT_LENGTH} ký tự / at most ${MAX_TEXT_LENGTH} characters`,
      });
    } else if (v !== null && typeof v === 'object' && JSON.stringify(v).length > MAX_TEXT_LENGTH) {
      problems.push({ key: k, label: k, code: 'FIELD_TOO_LARGE', message: 'giá trị quá lớn / value too large' });
    }
  }
  if (problems.length) throw new TaskInputError(problems);
  return submitted;
}
