import { describe, expect, it } from 'vitest';
import { MAX_BPMN_BYTES, longestPath, readBpmnFile, readProcessModel, validateBpmn, type ValidationIssue } from '../../engine/validate.js';

/**
 * The deploy validator (engine/validate.ts) rule by rule: one small model per rule, refused with the
 * issue the rule reports, and one model every rule accepts. bpmnlint's own rules are not the subject
 * here (a model that breaks one of ours is otherwise clean, so the issue is ours alone).
 */

const NS = `xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0"`;

interface Node {
  tag: string;
  id: string;
  name?: string;
  /** inside <bpmn:extensionElements> */
  ext?: string;
  attrs?: string;
  /** after the incoming/outgoing elements (event definitions, a sub-process's content) */
  body?: string;
}
type Flow = [id: string, from: string, to: string, attrs?: string, name?: string, condition?: string];

/** The nodes and flows of a scope, each node with its <incoming>/<outgoing> as the modeler writes them. */
function scope(nodes: Node[], flows: Flow[]): string {
  const nodeXml = nodes.map((n) => {
    const inc = flows
      .filter((f) => f[2] === n.id)
      .map((f) => `<bpmn:incoming>${f[0]}</bpmn:incoming>`)
      .join('');
    const out = flows
      .filter((f) => f[1] === n.id)
      .map((f) => `<bpmn:outgoing>${f[0]}</bpmn:outgoing>`)
      .join('');
    const ext = n.ext ? `<bpmn:extensionElements>${n.ext}</bpmn:extensionElements>` : '';
    return `<bpmn:${n.tag} id="${n.id}" name="${n.name ?? n.id}" ${n.attrs ?? ''}>${ext}${inc}${out}${n.body ?? ''}</bpmn:${n.tag}>`;
  });
  const flowXml = flows.map(([id, from, to, attrs, name, condition]) => {
    const head = `<bpmn:sequenceFlow id="${id}" ${name ? `name="${name}"` : ''} sourceRef="${from}" targetRef="${to}" ${attrs ?? ''}`;
    return condition ? `${head}><bpmn:conditionExpression>${condition}</bpmn:conditionExpression></bpmn:sequenceFlow>` : `${head} />`;
  });
  return [...nodeXml, ...flowXml].join('\n');
}

/** A whole file: one process "p" with a total limit (property eiso.timeLimit), unless `limit` is null. */
function doc(body: string, opts: { limit?: string | null; unit?: string; executable?: boolean } = {}): string {
  const limit = opts.limit === undefined ? '3' : opts.limit;
  const unit = opts.unit ? `<zeebe:property name="eiso.timeLimitUnit" value="${opts.unit}" />` : '';
  const props =
    limit === null
      ? ''
      : `<bpmn:extensionElements><zeebe:properties><zeebe:property name="eiso.timeLimit" value="${limit}" />${unit}</zeebe:properties></bpmn:extensionElements>`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions ${NS} id="Defs" targetNamespace="http://eiso.gov.vn/test">
  <bpmn:process id="p" name="Thủ tục thử" isExecutable="${opts.executable ?? true}">${props}
${body}
  </bpmn:process>
</bpmn:definitions>`;
}

/** A human step: owner and time limit unless told otherwise. */
const human = (id: string, limit: string | null = '1', owner: string | null = 'candidateGroups="SNNMT-VP/officer"'): Node => ({
  tag: 'userTask',
  id,
  ext: `${owner === null ? '' : `<zeebe:assignmentDefinition ${owner} />`}${limit === null ? '' : `<zeebe:taskHeaders><zeebe:header key="eiso.timeLimit" value="${limit}" /></zeebe:taskHeaders>`}`,
});
const service = (id: string, type: string): Node => ({ tag: 'serviceTask', id, ext: `<zeebe:taskDefinition type="${type}" />` });
const start = (id = 'S'): Node => ({ tag: 'startEvent', id });
const end = (id = 'E'): Node => ({ tag: 'endEvent', id });

/** start → steps in a row → end. */
const line = (...steps: Node[]): string => {
  const nodes = [start(), ...steps, end()];
  return scope(
    nodes,
    nodes.slice(1).map((n, i) => [`F${i + 1}`, nodes[i].id, n.id] as Flow),
  );
};

const VALID = doc(line(human('A', '1'), service('T', 'notify-citizen'), human('B', '2')));

/** The errors of a rule (category error), as [elementId, message]. */
const errorsOf = (issues: ValidationIssue[], rule: string) => issues.filter((i) => i.rule === rule).map((i) => [i.elementId, i.message]);

describe('a valid model', () => {
  it('is accepted with no error and its executable process described', async () => {
    const r = await validateBpmn(VALID);
    expect(r.errors).toEqual([]);
    expect(r.ok).toBe(true);
    // Without a diagram the file is still deployable: no-bpmndi is advice.
    expect(r.warnings.every((w) => w.category === 'warn')).toBe(true);
    expect(r.processes).toEqual([{ id: 'p', name: 'Thủ tục thử', elementNames: { S: 'S', A: 'A', T: 'T', B: 'B', E: 'E' } }]);
  });
});

describe('reading the file', () => {
  it(`refuses a file over MAX_BPMN_BYTES (${MAX_BPMN_BYTES}), counted in UTF-8 bytes`, async () => {
    expect(MAX_BPMN_BYTES).toBe(2_000_000);
    // 700,000 × "ệ" is 700,000 characters but 2,100,000 bytes.
    const big = VALID.replace('<bpmn:process', `<!-- ${'ệ'.repeat(700_000)} --><bpmn:process`);
    expect(big.length).toBeLessThan(MAX_BPMN_BYTES);
    const r = await validateBpmn(big);
    expect(r.ok).toBe(false);
    expect(r.errors).toEqual([
      {
        elementId: '',
        rule: 'eiso/size',
        category: 'error',
        code: 'BPMN_TOO_LARGE',
        params: { max: 2_000_000 },
        message: 'Tệp BPMN vượt quá 2000000 byte / BPMN file exceeds 2000000 bytes',
      },
    ]);
    // Just under the cap (a comment of ASCII padding) the file is read.
    const padding = MAX_BPMN_BYTES - Buffer.byteLength(VALID, 'utf8') - '<!--  -->'.length;
    const justUnder = VALID.replace('<bpmn:process', `<!-- ${'x'.repeat(padding)} --><bpmn:process`);
    expect(Buffer.byteLength(justUnder, 'utf8')).toBe(MAX_BPMN_BYTES);
    expect((await validateBpmn(justUnder)).errors).toEqual([]);
  });

  it('refuses a DOCTYPE or an ENTITY declaration (XXE, entity expansion) before parsing', async () => {
    const bomb = VALID.replace('<bpmn:definitions', '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>\n<bpmn:definitions');
    const dtd = {
      elementId: '',
      rule: 'eiso/dtd',
      category: 'error',
      code: 'BPMN_DTD',
      params: {},
      message: 'Tệp BPMN không được chứa DOCTYPE/ENTITY / DOCTYPE and ENTITY declarations are not allowed',
    };
    expect((await validateBpmn(bomb)).errors).toEqual([dtd]);
    expect((await validateBpmn(VALID.replace('<bpmn:definitions', '<!doctype x SYSTEM "file:///etc/passwd">\n<bpmn:definitions'))).errors).toEqual([dtd]);
    expect((await validateBpmn(VALID.replace('<bpmn:process', '<!ENTITY x "y"><bpmn:process'))).errors).toEqual([dtd]);
  });

  it('refuses malformed XML and a document that is not BPMN 2.0', async () => {
    for (const xml of ['<bpmn:definitions', '<?xml version="1.0"?><foo/>', '']) {
      const r = await validateBpmn(xml);
      expect(r.ok).toBe(false);
      expect(r.errors).toHaveLength(1);
      expect(r.errors[0]).toMatchObject({ rule: 'eiso/parse', category: 'error' });
    }
  });

  it('reports an element the BPMN schema does not know as an error', async () => {
    const r = await validateBpmn(VALID.replace('<bpmn:endEvent id="E" name="E" >', '<bpmn:endEvent id="E" name="E" ><bpmn:bogus />'));
    expect(r.ok).toBe(false);
    expect(r.errors.map((e) => e.rule)).toEqual(['eiso/parse']);
    expect(r.errors[0].message).toMatch(/^Phần tử không đọc được \/ Unparsable element: /);
  });

  it('readBpmnFile lists the processes with their executable flag', async () => {
    const r = await readBpmnFile(doc(line(human('A')), { executable: false }));
    expect(r.issue).toBeNull();
    if (r.issue === null) expect(r.processes).toEqual([{ id: 'p', name: 'Thủ tục thử', isExecutable: false }]);
  });
});

describe('our rules, one refused model each', () => {
  it('eiso/executable: a file without an executable process', async () => {
    const r = await validateBpmn(doc(line(human('A')), { executable: false }));
    expect(r.ok).toBe(false);
    expect(errorsOf(r.errors, 'eiso/executable')).toEqual([
      ['p', 'Không có quy trình nào được đánh dấu thực thi (isExecutable="true") / No executable process in the file'],
    ]);
    expect(r.processes).toEqual([]);
  });

  it('eiso/user-task-owner: a human step without assignee, candidate groups or candidate users', async () => {
    const r = await validateBpmn(doc(line(human('A', '1', null), human('B', '1', 'candidateGroups="  "'))));
    expect(errorsOf(r.errors, 'eiso/user-task-owner')).toEqual([
      ['A', 'Bước "A" chưa có người xử lý (assignee hoặc candidate groups) / User task has no assignee or candidate groups'],
      ['B', 'Bước "B" chưa có người xử lý (assignee hoặc candidate groups) / User task has no assignee or candidate groups'],
    ]);
    // An assignee alone or candidate users alone is an owner.
    const ok = await validateBpmn(doc(line(human('A', '1', 'assignee="canbo1"'), human('B', '1', 'candidateUsers="canbo2"'))));
    expect(ok.errors).toEqual([]);
  });

  it('eiso/user-task-owner with the organisation: a candidate group must name a unit, or a unit and a role', async () => {
    const groups = 'candidateGroups="SNNMT-VP, SNNMT-VP/leader, KHONGCO/officer, SNNMT-VP/boss, SNNMT-VP/officer/x"';
    const r = await validateBpmn(doc(line(human('A', '1', groups))), { unitCodes: new Set(['SNNMT-VP']) });
    expect(errorsOf(r.errors, 'eiso/user-task-owner').map(([, m]) => m.split(' / ')[1])).toEqual([
      'Candidate group KHONGCO/officer of A names no unit or role of the organisation',
      'Candidate group SNNMT-VP/boss of A names no unit or role of the organisation',
      'Candidate group SNNMT-VP/officer/x of A names no unit or role of the organisation',
    ]);
    // Without the organisation, or with an expression, the groups are not checked.
    expect((await validateBpmn(doc(line(human('A', '1', groups))))).errors).toEqual([]);
    expect((await validateBpmn(doc(line(human('A', '1', 'candidateGroups="=nhomXuLy"'))), { unitCodes: new Set(['SNNMT-VP']) })).errors).toEqual([]);
  });

  it('eiso/user-task-time-limit: a human step without a limit, or with one that is not a positive multiple of ½ day', async () => {
    const r = await validateBpmn(doc(line(human('A', null), human('B', '0.3'), human('C', '0'), human('D', '0,5')), { limit: '10' }));
    expect(errorsOf(r.errors, 'eiso/user-task-time-limit')).toEqual([
      ['A', 'Bước "A" chưa có thời hạn xử lý (ngày làm việc, header eiso.timeLimit) / User task A has no time limit'],
      ['B', 'Thời hạn "0.3" của bước "B" phải là số dương, bội của 0,5 ngày làm việc / Time limit of B must be a positive multiple of 0.5 working days'],
      ['C', 'Thời hạn "0" của bước "C" phải là số dương, bội của 0,5 ngày làm việc / Time limit of C must be a positive multiple of 0.5 working days'],
    ]);
  });

  it('eiso/process-time-limit: no total limit, a malformed one, or one shorter than the longest path', async () => {
    const steps = line(human('A', '1'), human('B', '2.5'));
    const missing = await validateBpmn(doc(steps, { limit: null }));
    expect(errorsOf(missing.errors, 'eiso/process-time-limit')).toEqual([
      ['p', 'Quy trình "Thủ tục thử" chưa có tổng thời hạn giải quyết (thuộc tính eiso.timeLimit, ngày làm việc) / Process p has no total time limit'],
    ]);
    const malformed = await validateBpmn(doc(steps, { limit: 'mười' }));
    expect(errorsOf(malformed.errors, 'eiso/process-time-limit')).toEqual([
      [
        'p',
        'Tổng thời hạn "mười" của quy trình "Thủ tục thử" phải là số dương, bội của 0,5 ngày / Total time limit of p must be a positive multiple of 0.5 days',
      ],
    ]);
    // 1 + 2.5 = 3.5 days on the only path: 3 is too short, 3.5 is enough.
    const short = await validateBpmn(doc(steps, { limit: '3' }));
    expect(errorsOf(short.errors, 'eiso/process-time-limit')).toEqual([
      [
        'p',
        'Tổng thời hạn của quy trình "Thủ tục thử" (3 ngày làm việc, chắc chắn có 3 ngày làm việc) ngắn hơn tổng thời hạn các bước trên đường dài nhất (3.5 ngày làm việc: S → A → B → E) / Total limit 3 working days of p (3 working days for sure) is shorter than the longest path, 3.5 working days',
      ],
    ]);
    expect((await validateBpmn(doc(steps, { limit: '3.5' }))).errors).toEqual([]);
  });

  it('eiso/process-time-limit: a total in calendar days or hours is compared in the working days it surely leaves', async () => {
    // Steps of 3 + 3 = 6 working days; days counted from the day after a receipt on a working day, a last day
    // on a weekend moved to Monday (art. 148), the fewest over the five receipt days:
    // 8 days: Mon → Tue 1…Tue 8: 4 + 2 = 6; Tue → 3 + 3; Wed → 2 + 4; Thu → Fri…Fri: 1 + 5; Fri → Sat…Sat → Mon: 5 + 1. All 6.
    // 7 days: Mon → Tue 1…Mon 7: 4 + 1 = 5. Too short.
    const steps = line(human('A', '3'), human('B', '3'));
    for (const limit of ['10', '8']) expect((await validateBpmn(doc(steps, { limit, unit: 'calendar_days' }))).errors).toEqual([]);
    const short = await validateBpmn(doc(steps, { limit: '7', unit: 'calendar_days' }));
    expect(errorsOf(short.errors, 'eiso/process-time-limit')).toEqual([
      [
        'p',
        'Tổng thời hạn của quy trình "Thủ tục thử" (7 ngày, chắc chắn có 5 ngày làm việc) ngắn hơn tổng thời hạn các bước trên đường dài nhất (6 ngày làm việc: S → A → B → E) / Total limit 7 days of p (5 working days for sure) is shorter than the longest path, 6 working days',
      ],
    ]);
    expect(short.errors[0].params).toMatchObject({ total: 7, unit: 'calendar_days', available: 5, longest: 6 });
    // 48 working hours = 6 days of 8 hours; 47 hours leave 5.5 days (whole half days).
    expect((await validateBpmn(doc(steps, { limit: '48', unit: 'hours' }))).errors).toEqual([]);
    const hours = await validateBpmn(doc(steps, { limit: '47', unit: 'hours' }));
    expect(hours.errors[0].params).toMatchObject({ total: 47, unit: 'hours', available: 5.5, longest: 6 });
  });

  it('eiso/job-type-worker: an automated step whose job type has no worker', async () => {
    const r = await validateBpmn(doc(line(service('T1', 'no-such-worker'), service('T2', 'eiso-case-deadline'), service('T3', 'notify-citizen'))));
    expect(errorsOf(r.errors, 'eiso/job-type-worker')).toEqual([
      ['T1', 'Bước tự động "T1" dùng loại công việc "no-such-worker" mà hệ thống không có bộ xử lý / No worker for job type "no-such-worker" of T1'],
      // A listener's job type is served only as a listener: as a service task it would wait forever.
      ['T2', 'Bước tự động "T2" dùng loại công việc "eiso-case-deadline" mà hệ thống không có bộ xử lý / No worker for job type "eiso-case-deadline" of T2'],
    ]);
    expect(r.errors.filter((e) => e.elementId === 'T3')).toEqual([]);
  });

  it('eiso/job-type-worker: a job type given as an expression is only a warning', async () => {
    const r = await validateBpmn(doc(line(service('T', '=loaiViec'))));
    expect(r.errors).toEqual([]);
    expect(errorsOf(r.warnings, 'eiso/job-type-worker')).toEqual([
      ['T', 'Loại công việc của bước "T" là biểu thức, không kiểm tra được / The job type of T is an expression and cannot be checked'],
    ]);
  });

  it('eiso/dead-end: a step that leads nowhere', async () => {
    // S → A → E, and a parallel branch S → G → B that stops at B.
    const body = scope(
      [start(), { tag: 'parallelGateway', id: 'G' }, human('A'), human('B'), end()],
      [
        ['F1', 'S', 'G'],
        ['F2', 'G', 'A'],
        ['F3', 'A', 'E'],
        ['F4', 'G', 'B'],
      ],
    );
    const r = await validateBpmn(doc(body));
    expect(errorsOf(r.errors, 'eiso/dead-end')).toEqual([
      ['B', 'Bước "B" không dẫn tới đâu: thêm luồng ra tới bước tiếp theo hoặc sự kiện kết thúc / B has no outgoing flow and is not an end event'],
    ]);
  });

  it('eiso/no-exit: a loop that never reaches an end event (the loop is named, not the way into it)', async () => {
    // S → G (parallel) → E, and G → P → A → B → A for ever. P leads into the loop but is not on it.
    const body = scope(
      [start(), { tag: 'parallelGateway', id: 'G' }, human('P'), human('A'), human('B'), end()],
      [
        ['F1', 'S', 'G'],
        ['F2', 'G', 'E'],
        ['F3', 'G', 'P'],
        ['F3b', 'P', 'A'],
        ['F4', 'A', 'B'],
        ['F5', 'B', 'A'],
      ],
    );
    const r = await validateBpmn(doc(body));
    expect(errorsOf(r.errors, 'eiso/no-exit')).toEqual([
      ['A', 'Bước "A" nằm trong vòng lặp không có lối ra tới sự kiện kết thúc / A is in a loop that never reaches an end event'],
      ['B', 'Bước "B" nằm trong vòng lặp không có lối ra tới sự kiện kết thúc / B is in a loop that never reaches an end event'],
    ]);
    // The same loop with a way out (B → X, an exclusive gateway that ends or goes back) is fine.
    const withExit = scope(
      [start(), human('A'), human('B'), { tag: 'exclusiveGateway', id: 'X', attrs: 'default="F4"' }, end()],
      [
        ['F1', 'S', 'A'],
        ['F2', 'A', 'B'],
        ['F3', 'B', 'X'],
        ['F4', 'X', 'A', '', 'Làm lại'],
        ['F5', 'X', 'E', '', 'Đạt', '=ketQua = "dat"'],
      ],
    );
    const ok = await validateBpmn(doc(withExit));
    expect(ok.errors).toEqual([]);
    expect(errorsOf(ok.warnings, 'eiso/default-flow-approves')).toEqual([]);
  });
});

describe('default flows of decisions (a warning: a missing decision must not approve)', () => {
  /** S → A → X; X → OK (end) and X → Back (end); the default is `def`. */
  const decision = (names: { ok: string; back: string }, def: 'F3' | 'F4') => {
    // The flow that is not the default gets a condition.
    const cond = (f: 'F3' | 'F4') => (f === def ? undefined : '=true');
    return doc(
      scope(
        [start(), human('A'), { tag: 'exclusiveGateway', id: 'X', name: 'Kết quả thẩm định', attrs: `default="${def}"` }, end('OK'), end('Back')],
        [
          ['F1', 'S', 'A'],
          ['F2', 'A', 'X'],
          ['F3', 'X', 'OK', '', names.ok, cond('F3')],
          ['F4', 'X', 'Back', '', names.back, cond('F4')],
        ],
      ),
    );
  };

  it('warns when the default flow is named as an approval', async () => {
    const r = await validateBpmn(decision({ ok: 'Đồng ý', back: 'Trả lại' }, 'F3'));
    expect(r.errors).toEqual([]);
    expect(r.ok).toBe(true);
    const w = r.warnings.filter((i) => i.rule === 'eiso/default-flow-approves');
    expect(w.map((i) => [i.elementId, i.category])).toEqual([['F3', 'warn']]);
    expect(w[0].message).toMatch(
      /^Cổng "Kết quả thẩm định": luồng mặc định "Đồng ý" là kết quả chấp thuận; .* The default flow F3 of gateway X approves: give it a condition$/,
    );
  });

  it('warns when an unnamed default leads on', async () => {
    const r = await validateBpmn(decision({ ok: '', back: 'Trả lại' }, 'F3'));
    const w = r.warnings.filter((i) => i.rule === 'eiso/default-flow-approves');
    expect(w.map((i) => i.elementId)).toEqual(['F3']);
    expect(w[0].message).toMatch(/The default flow F3 of gateway X leads on: give it a condition$/);
  });

  it('accepts a default that refuses or returns', async () => {
    const r = await validateBpmn(decision({ ok: 'Đồng ý', back: 'Trả lại' }, 'F4'));
    expect(r.errors).toEqual([]);
    expect(r.warnings.filter((i) => i.rule === 'eiso/default-flow-approves')).toEqual([]);
  });
});

describe('longestPath: a sub-process and parallel branches', () => {
  // S → A (1) → G1 (parallel split) → B (2)            → G2 (join) → C (0.5) → E
  //                                 → Sub [s → D (1.5) → H (1) → e] ↗
  // Branch B: 2 days; branch Sub: 1.5 + 1 = 2.5 days. Longest: 1 + 2.5 + 0.5 = 4 days through the sub-process.
  const sub = scope(
    [start('s'), human('D', '1.5'), human('H', '1'), end('e')],
    [
      ['f1', 's', 'D'],
      ['f2', 'D', 'H'],
      ['f3', 'H', 'e'],
    ],
  );
  const body = scope(
    [
      start(),
      human('A', '1'),
      { tag: 'parallelGateway', id: 'G1' },
      human('B', '2'),
      { tag: 'subProcess', id: 'Sub', body: sub },
      { tag: 'parallelGateway', id: 'G2' },
      human('C', '0.5'),
      end(),
    ],
    [
      ['F1', 'S', 'A'],
      ['F2', 'A', 'G1'],
      ['F3', 'G1', 'B'],
      ['F4', 'G1', 'Sub'],
      ['F5', 'B', 'G2'],
      ['F6', 'Sub', 'G2'],
      ['F7', 'G2', 'C'],
      ['F8', 'C', 'E'],
    ],
  );

  it('takes the longer branch, counting the sub-process as the longest path inside it', async () => {
    const file = await readBpmnFile(doc(body, { limit: '4' }));
    if (file.issue) throw new Error(file.issue.message);
    const process = file.definitions.rootElements!.find((e) => e.id === 'p')!;
    const lp = longestPath(process);
    expect(lp.days).toBe(4);
    expect(lp.path).toEqual(['S', 'A', 'G1', 'Sub', 'G2', 'C', 'E']);
    const inner = longestPath(process.flowElements!.find((e) => e.id === 'Sub')!);
    expect(inner).toMatchObject({ days: 2.5, path: ['s', 'D', 'H', 'e'] });
    // Reading order: by depth; at depth 3 the sub-process (on the longest path) comes before B.
    expect(lp.order).toEqual(['S', 'A', 'G1', 'Sub', 'B', 'G2', 'C', 'E']);
  });

  it('the process total must cover it: 4 is enough, 3.5 is not', async () => {
    expect((await validateBpmn(doc(body, { limit: '4' }))).errors).toEqual([]);
    const r = await validateBpmn(doc(body, { limit: '3.5' }));
    expect(errorsOf(r.errors, 'eiso/process-time-limit').map(([, m]) => m.split(' / ')[1])).toEqual([
      'Total limit 3.5 working days of p (3.5 working days for sure) is shorter than the longest path, 4 working days',
    ]);
  });

  it('the procedure sheet reads the steps in that order, the sub-process flattened in place', async () => {
    const m = await readProcessModel(doc(body, { limit: '4' }), 'p');
    expect(m).toMatchObject({ id: 'p', name: 'Thủ tục thử', totalTimeLimitDays: 4, longestPathDays: 4, longestPath: ['S', 'A', 'G1', 'Sub', 'G2', 'C', 'E'] });
    expect(m!.steps.map((s) => `${s.id}:${s.meta.timeLimitDays}`)).toEqual(['A:1', 'D:1.5', 'H:1', 'B:2', 'C:0.5']);
    expect(await readProcessModel(doc(body), 'khong-co')).toBeNull();
  });

  it('ignores the way back of a loop', async () => {
    // S → A (1) → B (2) → X; X → A (back) or → E. The loop is counted once: 3 days.
    const loop = scope(
      [start(), human('A', '1'), human('B', '2'), { tag: 'exclusiveGateway', id: 'X' }, end()],
      [
        ['F1', 'S', 'A'],
        ['F2', 'A', 'B'],
        ['F3', 'B', 'X'],
        ['F4', 'X', 'A'],
        ['F5', 'X', 'E'],
      ],
    );
    const file = await readBpmnFile(doc(loop));
    if (file.issue) throw new Error(file.issue.message);
    expect(longestPath(file.definitions.rootElements!.find((e) => e.id === 'p')!)).toMatchObject({ days: 3, path: ['S', 'A', 'B', 'X', 'E'] });
  });
});
