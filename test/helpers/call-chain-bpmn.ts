import { NS } from './plain-model.js';

/**
 * A two-level call activity chain of test models: the root procedure (a reception step, then a call
 * activity), a called process (an appraisal step, then a call activity) and a process it calls (an
 * approval step). Each level's human step is offered to the candidate group given.
 */
export interface ChainLevel {
  id: string;
  name: string;
  stepId: string;
  stepName: string;
  candidateGroup: string;
  /** the process this level calls after its step; none for the last level */
  calls?: string;
}

function level(l: ChainLevel): string {
  const call = l.calls
    ? `<bpmn:callActivity id="Goi" name="Gọi quy trình ${l.calls}">
      <bpmn:extensionElements><zeebe:calledElement processId="${l.calls}" propagateAllChildVariables="false" /></bpmn:extensionElements>
      <bpmn:incoming>F2</bpmn:incoming><bpmn:outgoing>F3</bpmn:outgoing>
    </bpmn:callActivity>`
    : '';
  const flows = l.calls
    ? `<bpmn:sequenceFlow id="F1" sourceRef="BatDau" targetRef="${l.stepId}" />
    <bpmn:sequenceFlow id="F2" sourceRef="${l.stepId}" targetRef="Goi" />
    <bpmn:sequenceFlow id="F3" sourceRef="Goi" targetRef="KetThuc" />`
    : `<bpmn:sequenceFlow id="F1" sourceRef="BatDau" targetRef="${l.stepId}" />
    <bpmn:sequenceFlow id="F2" sourceRef="${l.stepId}" targetRef="KetThuc" />`;
  const endX = l.calls ? 560 : 400;
  const shapes = `
    <bpmndi:BPMNShape id="BatDau_di" bpmnElement="BatDau"><dc:Bounds x="100" y="100" width="36" height="36" /></bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="${l.stepId}_di" bpmnElement="${l.stepId}"><dc:Bounds x="200" y="78" width="100" height="80" /></bpmndi:BPMNShape>
    ${l.calls ? `<bpmndi:BPMNShape id="Goi_di" bpmnElement="Goi"><dc:Bounds x="360" y="78" width="100" height="80" /></bpmndi:BPMNShape>` : ''}
    <bpmndi:BPMNShape id="KetThuc_di" bpmnElement="KetThuc"><dc:Bounds x="${endX}" y="100" width="36" height="36" /></bpmndi:BPMNShape>
    <bpmndi:BPMNEdge id="F1_di" bpmnElement="F1"><di:waypoint x="136" y="118" /><di:waypoint x="200" y="118" /></bpmndi:BPMNEdge>
    ${
      l.calls
        ? `<bpmndi:BPMNEdge id="F2_di" bpmnElement="F2"><di:waypoint x="300" y="118" /><di:waypoint x="360" y="118" /></bpmndi:BPMNEdge>
    <bpmndi:BPMNEdge id="F3_di" bpmnElement="F3"><di:waypoint x="460" y="118" /><di:waypoint x="560" y="118" /></bpmndi:BPMNEdge>`
        : `<bpmndi:BPMNEdge id="F2_di" bpmnElement="F2"><di:waypoint x="300" y="118" /><di:waypoint x="400" y="118" /></bpmndi:BPMNEdge>`
    }`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions ${NS} id="Defs_${l.id}" targetNamespace="http://eiso.gov.vn/test">
  <bpmn:process id="${l.id}" name="${l.name}" isExecutable="true">
    <bpmn:extensionElements><zeebe:properties><zeebe:property name="eiso.timeLimit" value="10" /></zeebe:properties></bpmn:extensionElements>
    <bpmn:startEvent id="BatDau" name="Bắt đầu"><bpmn:outgoing>F1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="${l.stepId}" name="${l.stepName}">
      <bpmn:extensionElements>
        <zeebe:assignmentDefinition candidateGroups="${l.candidateGroup}" />
        <zeebe:taskHeaders><zeebe:header key="eiso.timeLimit" value="2" /></zeebe:taskHeaders>
      </bpmn:extensionElements>
      <bpmn:incoming>F1</bpmn:incoming><bpmn:outgoing>F2</bpmn:outgoing>
    </bpmn:userTask>
    ${call}
    <bpmn:endEvent id="KetThuc" name="Kết thúc"><bpmn:incoming>${l.calls ? 'F3' : 'F2'}</bpmn:incoming></bpmn:endEvent>
    ${flows}
  </bpmn:process>
  <bpmndi:BPMNDiagram id="Dg"><bpmndi:BPMNPlane id="Pl" bpmnElement="${l.id}">${shapes}
  </bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
</bpmn:definitions>`;
}

/** The three models of a chain root -> level 1 -> level 2, each with its resource name, the called ones first. */
export function callChain(tag: string, groups: { root: string; level1: string; level2: string }) {
  const ids = { root: `cc-goc-${tag}`, level1: `cc-cap1-${tag}`, level2: `cc-cap2-${tag}` };
  const levels: ChainLevel[] = [
    { id: ids.level2, name: 'Phê duyệt liên thông', stepId: 'PheDuyet', stepName: 'Phê duyệt kết quả liên thông', candidateGroup: groups.level2 },
    {
      id: ids.level1,
      name: 'Thẩm định liên thông',
      stepId: 'ThamDinh',
      stepName: 'Thẩm định hồ sơ liên thông',
      candidateGroup: groups.level1,
      calls: ids.level2,
    },
    { id: ids.root, name: 'Thủ tục liên thông hai cấp', stepId: 'TiepNhan', stepName: 'Tiếp nhận hồ sơ', candidateGroup: groups.root, calls: ids.level1 },
  ];
  return { ids, models: levels.map((l) => ({ resourceName: `${l.id}.bpmn`, xml: level(l) })) };
}
