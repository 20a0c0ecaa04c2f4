/** BPMN fixtures shared by the deadline-pattern tests (unit and through the API). */
export const NS = `xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0"`;

/** A procedure as a designer draws it: one step with a time limit, no timers of its own. */
export const plainModel = (id: string) => `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions ${NS} id="Defs_${id}" targetNamespace="http://eiso.gov.vn/test">
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
