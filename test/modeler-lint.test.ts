import { describe, expect, it } from 'vitest';
import { Linter } from 'bpmnlint';
import { BpmnModdle } from 'bpmn-moddle';
import zeebeSchema from 'zeebe-bpmn-moddle/resources/zeebe.json' with { type: 'json' };
import { createLintConfig } from '../modeler/lint/lint-config.js';
import { createTranslate } from '../modeler/features/translate/translate.js';
import { longestPathDays, type ModdleElement } from '../modeler/step-meta-model.js';

/** The browser lint configuration (packed bpmnlint rules + our eiso rules), run in Node on a fixture. */
const fixture = (opts: { stepLimit?: string; processLimit?: string; owner?: boolean; jobType?: string }) => `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="D" targetNamespace="t">
  <bpmn:process id="p" name="P" isExecutable="true">
    ${opts.processLimit ? `<bpmn:extensionElements><zeebe:properties><zeebe:property name="eiso.timeLimit" value="${opts.processLimit}" /></zeebe:properties></bpmn:extensionElements>` : ''}
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
    expect(longestPathDays(short.rootElement.rootElements![0]!)).toBe(3);
    const issue = short.errors.find((e) => e.rule === 'eiso/process-time-limit');
    expect(issue).toBeDefined();
    const vi = createTranslate('vi');
    expect(vi(issue!.message)).toBe('Các bước trên nhánh dài nhất cần 3 ngày làm việc, vượt tổng thời hạn 2 ngày');
    expect(vi('Element is missing label/name')).toBe('Phần tử chưa có tên');
    expect(vi('Create {type}', { type: 'x' })).toBe('Create x');
    expect(createTranslate('en')('role.officer')).toBe('Officer');
  });
});
