import { describe, expect, it } from 'vitest';
import { Linter } from 'bpmnlint';
import { BpmnModdle } from 'bpmn-moddle';
import zeebeSchema from 'zeebe-bpmn-moddle/resources/zeebe.json' with { type: 'json' };
import { createLintConfig } from '../../modeler/lint/lint-config.js';
import { createTranslate } from '../../modeler/features/translate/translate.js';
import { longestPathDays, type ModdleElement } from '../../modeler/step-meta-model.js';
import { validateBpmn } from '../../engine/validate.js';
import { outcomeOfName } from '../../engine/default-flow.js';

/** The browser lint configuration (packed bpmnlint rules + our eiso rules), run in Node on a fixture. */
const fixture = (opts: {
  stepLimit?: string;
  processLimit?: string;
  unit?: string;
  owner?: boolean;
  jobType?: string;
}) => `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="D" targetNamespace="t">
  <bpmn:process id="p" name="P" isExecutable="true">
    ${opts.processLimit ? `<bpmn:extensionElements><zeebe:properties><zeebe:property name="eiso.timeLimit" value="${opts.processLimit}" />${opts.unit ? `<zeebe:property name="eiso.timeLimitUnit" value="${opts.unit}" />` : ''}</zeebe:properties></bpmn:extensionElements>` : ''}
    <bpmn:startEvent id="s" name="S"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="a" name="A">
      <bpmn:extensionElements>
        ${opts.owner === false ? '' : '<zeebe:assignmentDefinition candidateGroups="SNNMT-QLDD/officer" />'}
        ${opts.stepLimit ? `<zeebe:taskHeaders><zeebe:header key="eiso.timeLimit" value="${opts.stepLimit}" /></zeebe:taskHeaders>` : ''}
      </bpmn:extensionElements>
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:sendTask id="n" name="N">
      <bpmn:extensionElements><zeebe:taskDefinition type="${opts.jobType ?? 'notify-citizen'}" /></bpmn:extensionElements>
      <bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing>
    </bpmn:sendTask>
    <bpmn:endEvent id="e" name="E"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="a" />
    <bpmn:sequenceFlow id="f2" sourceRef="a" targetRef="n" />
    <bpmn:sequenceFlow id="f3" sourceRef="n" targetRef="e" />
  </bpmn:process>
</bpmn:definitions>`;

async function lint(xml: string) {
  const { rootElement } = await new BpmnModdle({ zeebe: zeebeSchema }).fromXML(xml);
  const reports = await new Linter(createLintConfig({ jobTypes: ['notify-citizen'] })).lint(rootElement);
  const issues = Object.entries(reports).flatMap(([rule, list]) => list.map((r) => ({ rule, id: r.id, message: r.message, category: r.category })));
  return { rootElement: rootElement as ModdleElement, errors: issues.filter((i) => i.category === 'error') };
}

describe('modeler lint configuration', () => {
  it('a complete step passes; missing time limits, owner and worker are errors naming the element', async () => {
    const ok = await lint(fixture({ stepLimit: '2.5', processLimit: '5' }));
    expect(ok.errors).toEqual([]);

    const missing = await lint(fixture({ owner: false, jobType: 'send-fax' }));
    const byRule = Object.fromEntries(missing.errors.map((e) => [e.rule, e.id]));
    expect(byRule).toMatchObject({
      'eiso/user-task-owner': 'a',
      'eiso/user-task-time-limit': 'a',
      'eiso/process-time-limit': 'p',
      'eiso/job-type-worker': 'n',
    });
  });

  it('the total limit must cover the longest path, and messages read in Vietnamese', async () => {
    const short = await lint(fixture({ stepLimit: '3', processLimit: '2' }));
    expect(longestPathDays(short.rootElement.rootElements![0])).toBe(3);
    const issue = short.errors.find((e) => e.rule === 'eiso/process-time-limit');
    expect(issue).toBeDefined();
    const vi = createTranslate('vi');
    expect(vi(issue!.message)).toBe('Các bước trên nhánh dài nhất cần 3 ngày làm việc, vượt 2 ngày làm việc mà tổng thời hạn 2 ngày làm việc chắc chắn có');
    // 7 calendar days surely leave 5 working days (received on a Monday: Tue 1 … Mon 7), not the 6 the step needs;
    // 8 days leave 6: the same rule as the server's validation (test/unit/validate-rules.test.ts).
    const days = await lint(fixture({ stepLimit: '6', processLimit: '7', unit: 'calendar_days' }));
    expect(vi(days.errors.find((e) => e.rule === 'eiso/process-time-limit')!.message)).toBe(
      'Các bước trên nhánh dài nhất cần 6 ngày làm việc, vượt 5 ngày làm việc mà tổng thời hạn 7 ngày chắc chắn có',
    );
    expect(
      (await lint(fixture({ stepLimit: '6', processLimit: '8', unit: 'calendar_days' }))).errors.filter((e) => e.rule === 'eiso/process-time-limit'),
    ).toEqual([]);
    expect(vi('Element is missing label/name')).toBe('Phần tử chưa có tên');
    expect(vi('Create {type}', { type: 'x' })).toBe('Create x');
    expect(createTranslate('en')('role.officer')).toBe('Officer');
  });

  /** A decision step, its gateway with a default flow `def` (named `name`, to `target`) and a conditioned other flow. */
  const decision = (o: { name: string; target: 'next' | 'back'; other: string }) => `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="D" targetNamespace="t">
  <bpmn:process id="p" name="P" isExecutable="true">
    <bpmn:extensionElements><zeebe:properties><zeebe:property name="eiso.timeLimit" value="5" /></zeebe:properties></bpmn:extensionElements>
    <bpmn:startEvent id="s" name="S"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:exclusiveGateway id="m" name="M"><bpmn:incoming>f1</bpmn:incoming><bpmn:incoming>${o.target === 'back' ? 'def' : 'other'}</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:exclusiveGateway>
    <bpmn:userTask id="a" name="Duyệt">
      <bpmn:extensionElements><zeebe:assignmentDefinition candidateGroups="SNNMT-QLDD/leader" /><zeebe:taskHeaders><zeebe:header key="eiso.timeLimit" value="1" /></zeebe:taskHeaders></bpmn:extensionElements>
      <bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:exclusiveGateway id="g" name="Đồng ý?" default="def"><bpmn:incoming>f3</bpmn:incoming><bpmn:outgoing>def</bpmn:outgoing><bpmn:outgoing>other</bpmn:outgoing></bpmn:exclusiveGateway>
    <bpmn:endEvent id="e" name="E"><bpmn:incoming>${o.target === 'back' ? 'other' : 'def'}</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="m" />
    <bpmn:sequenceFlow id="f2" sourceRef="m" targetRef="a" />
    <bpmn:sequenceFlow id="f3" sourceRef="a" targetRef="g" />
    <bpmn:sequenceFlow id="def" name="${o.name}" sourceRef="g" targetRef="${o.target === 'back' ? 'm' : 'e'}" />
    <bpmn:sequenceFlow id="other" name="${o.other}" sourceRef="g" targetRef="${o.target === 'back' ? 'e' : 'm'}"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">=x = 1</bpmn:conditionExpression></bpmn:sequenceFlow>
  </bpmn:process>
</bpmn:definitions>`;

  it('warns on a decision gateway whose default flow approves or leads on, in the deploy validator and the modeler lint', async () => {
    const modelerWarnings = async (xml: string) => {
      const { rootElement } = await new BpmnModdle({ zeebe: zeebeSchema }).fromXML(xml);
      const reports = await new Linter(createLintConfig({ jobTypes: [] })).lint(rootElement);
      return (reports['eiso/default-flow-approves'] ?? []).map((r: { id?: string; message: string; category: string }) => ({
        id: r.id,
        message: r.message,
        category: r.category,
      }));
    };
    const serverWarnings = async (xml: string) => {
      const r = await validateBpmn(xml);
      expect(r.errors).toEqual([]);
      return r.warnings.filter((w) => w.rule === 'eiso/default-flow-approves');
    };
    // Approval by default (named "Đồng ý", leading on to the end): warned, not blocking.
    const approve = decision({ name: 'Đồng ý', target: 'next', other: 'Trả lại' });
    expect(await modelerWarnings(approve)).toEqual([
      { id: 'def', category: 'warn', message: 'Default flow of gateway "Đồng ý?" approves: give it a condition' },
    ]);
    expect(createTranslate('vi')('Default flow of gateway "Đồng ý?" approves: give it a condition')).toBe(
      'Luồng mặc định của cổng "Đồng ý?" là kết quả chấp thuận: hãy đặt điều kiện cho nó (thiếu quyết định không được thành chấp thuận)',
    );
    const server = await serverWarnings(approve);
    expect(server).toHaveLength(1);
    expect(server[0]).toMatchObject({ elementId: 'def', category: 'warn' });
    expect(server[0].message).toMatch(/^Cổng "Đồng ý\?": luồng mặc định "Đồng ý" là kết quả chấp thuận/);
    // Unnamed but leading on: warned too.
    expect(await modelerWarnings(decision({ name: '', target: 'next', other: 'Trả lại' }))).toEqual([
      { id: 'def', category: 'warn', message: 'Default flow of gateway "Đồng ý?" leads on: give it a condition' },
    ]);
    expect(await serverWarnings(decision({ name: '', target: 'next', other: 'Trả lại' }))).toHaveLength(1);
    // A default that sends the case back (a loop's way back), or that is named as a refusal: fine.
    expect(await modelerWarnings(decision({ name: 'Trả lại', target: 'back', other: 'Đồng ý' }))).toEqual([]);
    expect(await modelerWarnings(decision({ name: '', target: 'back', other: 'Đồng ý' }))).toEqual([]);
    expect(await serverWarnings(decision({ name: 'Không đạt', target: 'next', other: 'Đạt' }))).toEqual([]);
    // "Không đạt" contains "đạt": the refusal wins; the names of the shipped models read as intended.
    expect(['Không đạt', 'Chưa hiệu lực', 'Thẩm định lại', 'Không đủ điều kiện', 'Cần bổ sung'].map(outcomeOfName)).toEqual(['no', 'no', 'no', 'no', 'no']);
    expect(['Đạt', 'Đồng ý', 'Phê duyệt', 'Hợp lệ', 'Có hiệu lực', 'Đủ điều kiện', 'Cấp', 'Approve'].map(outcomeOfName)).toEqual([
      'yes',
      'yes',
      'yes',
      'yes',
      'yes',
      'yes',
      'yes',
      'yes',
    ]);
    expect(outcomeOfName('Đóng')).toBeNull();
  });

  it("no shipped model takes a decision's positive outcome by default", async () => {
    const { readdirSync, readFileSync } = await import('node:fs');
    const { PROCESSES_DIR } = await import('../../engine/bundled.js');
    for (const f of readdirSync(PROCESSES_DIR).filter((x) => x.endsWith('.bpmn'))) {
      const r = await validateBpmn(readFileSync(`${PROCESSES_DIR}/${f}`, 'utf8'));
      expect(
        r.warnings.filter((w) => w.rule === 'eiso/default-flow-approves'),
        f,
      ).toEqual([]);
    }
  });
});
