import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from './helpers/platform.js';
import { createUser, login, waitFor, type Client } from './helpers/fixtures.js';

/** A procedure as a designer draws it: one step with a time limit, no timers of its own. */
const plainModel = (id: string) => `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="Defs_${id}" targetNamespace="http://eiso.gov.vn/test">
  <bpmn:process id="${id}" name="Cấp bản sao" isExecutable="true">
    <bpmn:extensionElements><zeebe:properties><zeebe:property name="eiso.timeLimit" value="3" /></zeebe:properties></bpmn:extensionElements>
    <bpmn:startEvent id="BatDau" name="Nhận yêu cầu"><bpmn:outgoing>F1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="XuLy" name="Xử lý yêu cầu">
      <bpmn:extensionElements>
        <zeebe:assignmentDefinition candidateGroups="SNNMT-VP/officer" />
        <zeebe:taskHeaders><zeebe:header key="eiso.timeLimit" value="2" /></zeebe:taskHeaders>
      </bpmn:extensionElements>
      <bpmn:incoming>F1</bpmn:incoming><bpmn:outgoing>F2</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:endEvent id="KetThuc" name="Xong"><bpmn:incoming>F2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="F1" sourceRef="BatDau" targetRef="XuLy" />
    <bpmn:sequenceFlow id="F2" sourceRef="XuLy" targetRef="KetThuc" />
  </bpmn:process>
  <bpmndi:BPMNDiagram id="Dg"><bpmndi:BPMNPlane id="Pl" bpmnElement="${id}">
    <bpmndi:BPMNShape id="BatDau_di" bpmnElement="BatDau"><dc:Bounds x="100" y="100" width="36" height="36" /></bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="XuLy_di" bpmnElement="XuLy"><dc:Bounds x="200" y="78" width="100" height="80" /></bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="KetThuc_di" bpmnElement="KetThuc"><dc:Bounds x="400" y="100" width="36" height="36" /></bpmndi:BPMNShape>
    <bpmndi:BPMNEdge id="F1_di" bpmnElement="F1"><di:waypoint x="136" y="118" /><di:waypoint x="200" y="118" /></bpmndi:BPMNEdge>
    <bpmndi:BPMNEdge id="F2_di" bpmnElement="F2"><di:waypoint x="300" y="118" /><di:waypoint x="400" y="118" /></bpmndi:BPMNEdge>
  </bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
</bpmn:definitions>`;

describe('the deadline pattern completed at deploy', () => {
  describe('through the API', () => {
    let p: TestPlatform;
    let designer: Client;
    let officer: Client;
    beforeAll(async () => {
      p = await startTestPlatform();
      designer = await login(p.app, await createUser(p.db, { roles: ['designer'] }));
      officer = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: 'SNNMT-VP' }));
    });
    afterAll(async () => p?.close());

    it('gives a step drawn without timers its computed due date, and records what was deployed', async () => {
      const id = `ban-sao-${Date.now()}`;
      const dep = await designer.post('/api/process-definitions', { resourceName: `${id}.bpmn`, xml: plainModel(id) });
      expect(dep.status).toBe(201);
      const stored = await p.db('process_definitions').where({ bpmn_process_id: id }).first('xml');
      expect(stored.xml).toContain('type="eiso-step-escalate"');

      const started = await officer.post('/api/process-instances', { bpmnProcessId: id });
      expect(started.status).toBe(201);
      const task = await waitFor(async () => {
        // narrowed to the case: other files offer tasks to the same unit meanwhile
        const r = await officer.get(`/api/tasks?scope=available&caseCode=${started.body.processInstanceKey}`);
        return (r.body.items as any[]).find((t) => t.processInstanceKey === started.body.processInstanceKey);
      }, 'the step in the inbox');
      const step = await p.db('step_deadlines').where({ process_instance_key: started.body.processInstanceKey }).first();
      expect(step).toBeTruthy();
      // The inbox shows the due instant computed on the calendar (the engine's, not a FEEL guess).
      expect(new Date(task.dueDate).getTime()).toBe(new Date(step.due_at).getTime());
      const appointment = await p.db('case_deadlines').where({ process_instance_key: started.body.processInstanceKey }).first();
      expect(appointment).toBeTruthy();
    });
  });
});
