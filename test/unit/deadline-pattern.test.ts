import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { BpmnModdle } from 'bpmn-moddle';
import zeebeSchema from 'zeebe-bpmn-moddle/resources/zeebe.json' with { type: 'json' };
import { applyDeadlinePattern, drawnDiagram } from '../../engine/deadline-pattern.js';
import { validateBpmn } from '../../engine/validate.js';
import { PROCESSES_DIR } from '../../engine/bundled.js';
import { JOB_TYPES } from '../../engine/jobs/catalogue.js';
import { NS, plainModel } from '../helpers/plain-model.js';

/**
 * engine/deadline-pattern.ts on plain models, without a broker: what it adds to a step with an
 * eiso.timeLimit header and to a process with an eiso.timeLimit property (engine/README.md "Due
 * dates through Zeebe"), that a second run adds nothing, and that steps without a limit get nothing.
 * The deploy through the API stays in test/deadline-pattern.test.ts.
 */

/** A process without DI: `body` goes inside the process, `processExt` into its extension elements. */
const model = (body: string, processExt = '') => `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions ${NS} id="Defs" targetNamespace="http://eiso.gov.vn/test">
  <bpmn:process id="p" name="P" isExecutable="true">
    ${processExt ? `<bpmn:extensionElements>${processExt}</bpmn:extensionElements>` : ''}
    ${body}
  </bpmn:process>
</bpmn:definitions>`;

const userTask = (id: string, limit?: string, extra = '') => `<bpmn:userTask id="${id}" name="${id}">
  <bpmn:extensionElements>
    <zeebe:assignmentDefinition candidateGroups="SNNMT-VP/officer" />
    ${limit === undefined ? '' : `<zeebe:taskHeaders><zeebe:header key="eiso.timeLimit" value="${limit}" /></zeebe:taskHeaders>`}
    ${extra}
  </bpmn:extensionElements>
</bpmn:userTask>`;

interface El {
  $type: string;
  id?: string;
  name?: string;
  [key: string]: any;
}

async function parse(xml: string) {
  const { rootElement } = await new BpmnModdle({ zeebe: zeebeSchema }).fromXML(xml);
  const defs = rootElement as El;
  const process = (defs.rootElements as El[]).find((e) => e.$type === 'bpmn:Process')!;
  const all: El[] = [];
  const walk = (c: El) => {
    for (const e of (c.flowElements as El[]) ?? []) {
      all.push(e);
      if (e.flowElements) walk(e);
    }
  };
  walk(process);
  const byId = (id: string) => all.find((e) => e.id === id);
  const ext = (el: El, type: string) => (el.extensionElements?.values as El[] | undefined)?.filter((v) => v.$type === type) ?? [];
  const listeners = (el: El) => ext(el, 'zeebe:ExecutionListeners').flatMap((h) => (h.listeners as El[]).map((l) => `${l.eventType ?? 'start'}:${l.type}`));
  const shapes = ((defs.diagrams as El[] | undefined)?.[0]?.plane?.planeElement as El[] | undefined) ?? [];
  const shape = (id: string) => shapes.find((s) => s.bpmnElement?.id === id);
  return { defs, process, all, byId, ext, listeners, shape };
}

/** The branch the pattern hangs on a step: boundary timer → service task → end event. */
function branch(m: Awaited<ReturnType<typeof parse>>, id: string) {
  const boundary = m.byId(id)!;
  const timer = (boundary.eventDefinitions as El[])[0];
  const f1 = (boundary.outgoing as El[])[0];
  const service = f1.targetRef as El;
  const f2 = (service.outgoing as El[])[0];
  const end = f2.targetRef as El;
  return {
    type: boundary.$type,
    cancelActivity: boundary.cancelActivity,
    attachedTo: (boundary.attachedToRef as El).id,
    timer: `${timer.$type} ${timer.timeDate?.body}`,
    service: `${service.$type} ${service.id} ${m.ext(service, 'zeebe:TaskDefinition')[0]?.type}`,
    end: `${end.$type} ${end.id}`,
    flows: [f1.id, f2.id],
  };
}

const bounds = (s: El | undefined) => (s ? [s.bounds.x, s.bounds.y, s.bounds.width, s.bounds.height] : undefined);

describe('the deadline pattern on a plain model', () => {
  it('adds the case listeners to the process and the step listener and schedule to the step', async () => {
    const { xml, completedSteps } = await applyDeadlinePattern(plainModel('p-plain'));
    expect(completedSteps).toEqual(['XuLy']);
    const m = await parse(xml);
    // The appointment is counted as the start event ends, not by a start listener on the process (Zeebe 8.6.0
    // would then refuse to migrate the case: camunda/camunda#33237); the case's end stays on the process.
    expect(m.listeners(m.process)).toEqual([`end:${JOB_TYPES.caseFinish}`]);
    expect(m.listeners(m.byId('BatDau')!)).toEqual([`end:${JOB_TYPES.caseDeadline}`]);
    expect(m.listeners(m.byId('BatDau')!)).toEqual(['end:eiso-case-deadline']);
    // The process's own property is kept.
    expect(m.ext(m.process, 'zeebe:Properties')[0].properties.map((p: El) => `${p.name}=${p.value}`)).toEqual(['eiso.timeLimit=3']);
    const task = m.byId('XuLy')!;
    expect(m.listeners(task)).toEqual(['start:eiso-step-deadline']);
    expect(m.ext(task, 'zeebe:TaskSchedule').map((s) => s.dueDate)).toEqual(['=eisoStepDue']);
    // What the step had is kept.
    expect(m.ext(task, 'zeebe:AssignmentDefinition')[0].candidateGroups).toBe('SNNMT-VP/officer');
    expect(m.ext(task, 'zeebe:TaskHeaders')[0].values.map((h: El) => `${h.key}=${h.value}`)).toEqual(['eiso.timeLimit=2']);
  });

  it('hangs two non-interrupting timers on the step, each with its service task and end event', async () => {
    const m = await parse((await applyDeadlinePattern(plainModel('p-plain'))).xml);
    expect(branch(m, 'XuLy_NhacHan')).toEqual({
      type: 'bpmn:BoundaryEvent',
      cancelActivity: false,
      attachedTo: 'XuLy',
      timer: 'bpmn:TimerEventDefinition =eisoStepRemind',
      service: `bpmn:ServiceTask XuLy_NhacHan_Gui ${JOB_TYPES.stepReminder}`,
      end: 'bpmn:EndEvent XuLy_NhacHan_Xong',
      flows: ['XuLy_NhacHan_F1', 'XuLy_NhacHan_F2'],
    });
    expect(branch(m, 'XuLy_QuaHan')).toEqual({
      type: 'bpmn:BoundaryEvent',
      cancelActivity: false,
      attachedTo: 'XuLy',
      timer: 'bpmn:TimerEventDefinition =eisoStepDue',
      service: 'bpmn:ServiceTask XuLy_QuaHan_Gui eiso-step-escalate',
      end: 'bpmn:EndEvent XuLy_QuaHan_Xong',
      flows: ['XuLy_QuaHan_F1', 'XuLy_QuaHan_F2'],
    });
    expect(m.byId('XuLy_NhacHan_Gui')!.name).toBe('Nhắc hạn xử lý');
    expect(m.byId('XuLy_QuaHan_Gui')!.name).toBe('Báo lãnh đạo: quá hạn');
    // 3 original nodes + 2 flows, plus 2 × (boundary, service, end, 2 flows).
    expect(m.all).toHaveLength(15);
    // The step's own flows are untouched.
    expect((m.byId('XuLy')!.outgoing as El[]).map((f) => f.id)).toEqual(['F2']);
  });

  it('lays the branches out under the step: the reminder bottom-left, the escalation bottom-right', async () => {
    const m = await parse((await applyDeadlinePattern(plainModel('p-plain'))).xml);
    // The step is at x 200, y 78, 100 × 80: bottom edge y 158. Boundary events (36 × 36) centred 18 px inside
    // its corners: x 200 and 264, y 140. Service tasks (90 × 60) centred under the corners, 50 px below the
    // step: x 155 and 255, y 208; end events (36 × 36) 30 px under them: x 182 and 282, y 298.
    expect(bounds(m.shape('XuLy_NhacHan'))).toEqual([200, 140, 36, 36]);
    expect(bounds(m.shape('XuLy_QuaHan'))).toEqual([264, 140, 36, 36]);
    expect(bounds(m.shape('XuLy_NhacHan_Gui'))).toEqual([155, 208, 90, 60]);
    expect(bounds(m.shape('XuLy_QuaHan_Gui'))).toEqual([255, 208, 90, 60]);
    expect(bounds(m.shape('XuLy_NhacHan_Xong'))).toEqual([182, 298, 36, 36]);
    expect(bounds(m.shape('XuLy_QuaHan_Xong'))).toEqual([282, 298, 36, 36]);
    const edge = (id: string) => (m.shape(id)!.waypoint as El[]).map((p) => [p.x, p.y]);
    expect(edge('XuLy_NhacHan_F1')).toEqual([
      [218, 176],
      [218, 208],
    ]);
    expect(edge('XuLy_QuaHan_F2')).toEqual([
      [300, 268],
      [300, 298],
    ]);
  });

  it('gives a model the deploy accepts, without overlapping shapes', async () => {
    const { xml } = await applyDeadlinePattern(plainModel('p-plain'));
    const check = await validateBpmn(xml);
    expect(check.errors).toEqual([]);
    expect(check.warnings.filter((w) => w.rule === 'no-overlapping-elements')).toEqual([]);
  });

  it('changes nothing the second time', async () => {
    const once = await applyDeadlinePattern(plainModel('p-plain'));
    const twice = await applyDeadlinePattern(once.xml);
    expect(twice.completedSteps).toEqual([]);
    expect(twice.xml).toBe(once.xml);
  });

  it('leaves a bundled procedure, which has the pattern already, as it is', async () => {
    const bundled = readFileSync(path.join(PROCESSES_DIR, 'dang-ky-bien-dong-dat-dai.bpmn'), 'utf8');
    const r = await applyDeadlinePattern(bundled);
    expect(r.completedSteps).toEqual([]);
    expect(r.xml).toBe(bundled);
  });
});

describe('what gets nothing, and what is completed only in part', () => {
  it('a model without any time limit is returned unchanged', async () => {
    const xml = model(userTask('A'));
    const r = await applyDeadlinePattern(xml);
    expect(r).toEqual({ xml, completedSteps: [] });
  });

  it('a step whose limit is not a positive multiple of ½ day gets nothing', async () => {
    for (const bad of ['', 'abc', '0', '-1', '0.3']) {
      const xml = model(userTask('A', bad));
      expect(await applyDeadlinePattern(xml), bad).toEqual({ xml, completedSteps: [] });
    }
    // "0,5" (decimal comma) is a valid half day.
    expect((await applyDeadlinePattern(model(userTask('A', '0,5')))).completedSteps).toEqual(['A']);
  });

  it('only the step with a limit gets listeners and timers; the process without a limit gets no case listeners', async () => {
    const r = await applyDeadlinePattern(model(`${userTask('Co', '1')}${userTask('Khong')}`));
    expect(r.completedSteps).toEqual(['Co']);
    const m = await parse(r.xml);
    expect(m.listeners(m.process)).toEqual([]);
    expect(m.listeners(m.byId('Khong')!)).toEqual([]);
    expect(m.ext(m.byId('Khong')!, 'zeebe:TaskSchedule')).toEqual([]);
    const attached = m.all.filter((e) => e.$type === 'bpmn:BoundaryEvent').map((b) => `${b.id}@${b.attachedToRef.id}`);
    expect(attached).toEqual(['Co_NhacHan@Co', 'Co_QuaHan@Co']);
  });

  it('a process limit alone gives the case listeners and completes no step', async () => {
    const r = await applyDeadlinePattern(model(userTask('A'), '<zeebe:properties><zeebe:property name="eiso.timeLimit" value="5" /></zeebe:properties>'));
    expect(r.completedSteps).toEqual([]);
    const m = await parse(r.xml);
    expect(m.listeners(m.process)).toEqual(['end:eiso-case-finish']);
    expect(m.all.map((e) => e.id)).toEqual(['A']);
  });

  it("moves a process-level start listener of an earlier pattern to the process's start events, once", async () => {
    const old = plainModel('p-old').replace(
      '<zeebe:properties>',
      '<zeebe:executionListeners><zeebe:executionListener eventType="start" type="eiso-case-deadline" /></zeebe:executionListeners><zeebe:properties>',
    );
    expect(old).toContain('eventType="start" type="eiso-case-deadline"');
    const once = await applyDeadlinePattern(old);
    const m = await parse(once.xml);
    expect(m.listeners(m.process)).toEqual(['end:eiso-case-finish']);
    expect(m.listeners(m.byId('BatDau')!)).toEqual(['end:eiso-case-deadline']);
    const twice = await applyDeadlinePattern(once.xml);
    expect(twice.xml).toBe(once.xml);
  });

  it('keeps what the step already has and adds only what is missing', async () => {
    // The step already has the start listener, its own schedule and the reminder timer: only the escalation is added.
    const existing = `${userTask(
      'A',
      '1',
      '<zeebe:executionListeners><zeebe:executionListener eventType="start" type="eiso-step-deadline" /></zeebe:executionListeners><zeebe:taskSchedule dueDate="=myDue" />',
    )}
    <bpmn:boundaryEvent id="MyReminder" cancelActivity="false" attachedToRef="A"><bpmn:timerEventDefinition><bpmn:timeDate>=eisoStepRemind</bpmn:timeDate></bpmn:timerEventDefinition></bpmn:boundaryEvent>`;
    const r = await applyDeadlinePattern(model(existing));
    expect(r.completedSteps).toEqual(['A']);
    const m = await parse(r.xml);
    const task = m.byId('A')!;
    expect(m.listeners(task)).toEqual(['start:eiso-step-deadline']);
    expect(m.ext(task, 'zeebe:TaskSchedule').map((s) => s.dueDate)).toEqual(['=myDue']);
    expect(m.all.filter((e) => e.$type === 'bpmn:BoundaryEvent').map((b) => b.id)).toEqual(['MyReminder', 'A_QuaHan']);
    expect(m.byId('A_NhacHan_Gui')).toBeUndefined();
  });

  it('does not reuse an id the model already has', async () => {
    // An element already called A_NhacHan: the reminder becomes A_NhacHan_2.
    const r = await applyDeadlinePattern(model(`${userTask('A', '1')}<bpmn:endEvent id="A_NhacHan" name="x" />`));
    const m = await parse(r.xml);
    const b = m.all.filter((e) => e.$type === 'bpmn:BoundaryEvent').map((e) => e.id);
    expect(b).toEqual(['A_NhacHan_2', 'A_QuaHan']);
    expect(m.byId('A_NhacHan')!.$type).toBe('bpmn:EndEvent');
  });

  it('puts the branches of a step inside a sub-process into that sub-process', async () => {
    const r = await applyDeadlinePattern(model(`<bpmn:subProcess id="Sub">${userTask('Trong', '2.5')}</bpmn:subProcess>`));
    expect(r.completedSteps).toEqual(['Trong']);
    const m = await parse(r.xml);
    const sub = m.byId('Sub')!;
    expect((sub.flowElements as El[]).map((e) => e.id)).toEqual([
      'Trong',
      'Trong_NhacHan',
      'Trong_NhacHan_Gui',
      'Trong_NhacHan_Xong',
      'Trong_NhacHan_F1',
      'Trong_NhacHan_F2',
      'Trong_QuaHan',
      'Trong_QuaHan_Gui',
      'Trong_QuaHan_Xong',
      'Trong_QuaHan_F1',
      'Trong_QuaHan_F2',
    ]);
    expect((m.process.flowElements as El[]).map((e) => e.id)).toEqual(['Sub']);
  });
  it('gives a multi-instance step its listener and schedule (a due date per item) but no timers on its body', async () => {
    const mi = `<bpmn:multiInstanceLoopCharacteristics><bpmn:extensionElements><zeebe:loopCharacteristics inputCollection="=nguoiThamDinh" inputElement="nguoi" /></bpmn:extensionElements></bpmn:multiInstanceLoopCharacteristics>`;
    const r = await applyDeadlinePattern(model(userTask('ThamDinh', '2').replace('</bpmn:userTask>', `${mi}</bpmn:userTask>`)));
    expect(r.completedSteps).toEqual(['ThamDinh']);
    const m = await parse(r.xml);
    expect(m.listeners(m.byId('ThamDinh')!)).toEqual([`start:${JOB_TYPES.stepDeadline}`]);
    expect(m.ext(m.byId('ThamDinh')!, 'zeebe:TaskSchedule').map((t) => t.dueDate)).toEqual(['=eisoStepDue']);
    expect(m.all.filter((e) => e.$type === 'bpmn:BoundaryEvent')).toEqual([]);
  });

  describe('the drawing officers read (drawnDiagram)', () => {
    const ids = (m: Awaited<ReturnType<typeof parse>>) => m.all.map((e) => e.id).sort();
    const shapeIds = (m: Awaited<ReturnType<typeof parse>>) =>
      (((m.defs.diagrams as El[])[0].plane.planeElement as El[]) ?? []).map((d) => (d.bpmnElement as El).id).sort();

    it('the land procedure loses the eight reminder and escalation boxes of its four steps and keeps every step with its limit', async () => {
      const file = readFileSync(path.join(PROCESSES_DIR, 'dang-ky-bien-dong-dat-dai.bpmn'), 'utf8');
      const deployed = await parse((await applyDeadlinePattern(file)).xml);
      const drawn = await drawnDiagram((await applyDeadlinePattern(file)).xml);
      const after = await parse(drawn.xml);
      // each step: a timer, a service task and an end event for the reminder and for the escalation, with two flows each (ids as in the file)
      const branchIds = ['TiepNhan', 'ThamDinh', 'PheDuyet', 'TraKetQua'].flatMap((s) =>
        ['NhacHan', 'GuiNhacHan', 'DaNhac', 'FN1', 'FN2', 'QuaHan', 'BaoQuaHan', 'DaBao', 'FQ1', 'FQ2'].map((x) => `${s}_${x}`),
      );
      expect(ids(after)).toEqual(ids(deployed).filter((id) => !branchIds.includes(id!)));
      expect(ids(deployed).length - ids(after).length).toBe(40);
      expect(after.all.filter((e) => e.$type === 'bpmn:ServiceTask' || e.$type === 'bpmn:BoundaryEvent').map((e) => e.id)).toEqual(
        deployed.all.filter((e) => (e.$type === 'bpmn:ServiceTask' || e.$type === 'bpmn:BoundaryEvent') && !branchIds.includes(e.id!)).map((e) => e.id),
      );
      // no shape is left pointing at a removed element, and every kept element keeps its shape
      expect(shapeIds(after)).toEqual(shapeIds(deployed).filter((id) => !branchIds.includes(id!)));
      expect(drawn.stepTimeLimits).toEqual([
        { elementId: 'TiepNhan', workingDays: 0.5 },
        { elementId: 'ThamDinh', workingDays: 5 },
        { elementId: 'PheDuyet', workingDays: 2 },
        { elementId: 'TraKetQua', workingDays: 0.5 },
      ]);
      // the engine's settings stay in the model (unseen on the drawing)
      expect(after.listeners(after.byId('ThamDinh')!)).toEqual(deployed.listeners(deployed.byId('ThamDinh')!));
    });

    it('keeps a timer branch the designer drew with a job type of their own, and a model with nothing to take out is returned as it is', async () => {
      const own = model(`${userTask('A', '2')}
        <bpmn:boundaryEvent id="Own" cancelActivity="false" attachedToRef="A">
          <bpmn:outgoing>OwnF1</bpmn:outgoing>
          <bpmn:timerEventDefinition id="OwnT"><bpmn:timeDate>=eisoStepDue</bpmn:timeDate></bpmn:timerEventDefinition>
        </bpmn:boundaryEvent>
        <bpmn:serviceTask id="OwnSend"><bpmn:extensionElements><zeebe:taskDefinition type="my-own-mailer" /></bpmn:extensionElements>
          <bpmn:incoming>OwnF1</bpmn:incoming><bpmn:outgoing>OwnF2</bpmn:outgoing></bpmn:serviceTask>
        <bpmn:endEvent id="OwnEnd"><bpmn:incoming>OwnF2</bpmn:incoming></bpmn:endEvent>
        <bpmn:sequenceFlow id="OwnF1" sourceRef="Own" targetRef="OwnSend" />
        <bpmn:sequenceFlow id="OwnF2" sourceRef="OwnSend" targetRef="OwnEnd" />`);
      const deployed = (await applyDeadlinePattern(own)).xml;
      const drawn = await drawnDiagram(deployed);
      const m = await parse(drawn.xml);
      expect(m.all.map((e) => e.id).filter((id) => id!.startsWith('Own') || id!.startsWith('A_'))).toEqual(['Own', 'OwnSend', 'OwnEnd', 'OwnF1', 'OwnF2']);
      // the reminder the pattern added is gone; the designer's own escalation stays
      expect(m.byId('A_NhacHan')).toBeUndefined();
      expect(drawn.stepTimeLimits).toEqual([{ elementId: 'A', workingDays: 2 }]);

      const plain = model(userTask('B'));
      expect(await drawnDiagram(plain)).toEqual({ xml: plain, stepTimeLimits: [] });
    });
  });
});
