import { NS } from './plain-model.js';

/**
 * The test procedure of a law change (issue 20, item 1): version 1 and version 2 of a root procedure and
 * the process it calls. The root: reception (TiepNhan), then by the start variable `huong` straight to
 * appraisal (ThamDinh), or first a 30-day wait for public posting (intermediate timer ChoNiemYet), or
 * first the called process (GoiLienThong, whose step is PheDuyet). Version 2 is what the new decree asks:
 * the appraisal takes 5 working days instead of 3, the whole procedure 15 instead of 10, and the
 * reception step was redrawn under a new id (TiepNhanHoSo), so a case waiting there cannot move.
 */
export function lawChangeModels(tag: string, groups: { desk: string; division: string; partner: string }) {
  const ids = { root: `lc-goc-${tag}`, child: `lc-con-${tag}` };
  const root = (v: 1 | 2) => {
    const reception = v === 1 ? 'TiepNhan' : 'TiepNhanHoSo';
    const appraisalDays = v === 1 ? 3 : 5;
    const total = v === 1 ? 10 : 15;
    return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions ${NS} id="Defs_${ids.root}" targetNamespace="http://eiso.gov.vn/test">
  <bpmn:process id="${ids.root}" name="Thủ tục thử thay đổi pháp luật" isExecutable="true">
    <bpmn:extensionElements><zeebe:properties><zeebe:property name="eiso.timeLimit" value="${total}" /></zeebe:properties></bpmn:extensionElements>
    <bpmn:startEvent id="BatDau" name="Bắt đầu"><bpmn:outgoing>F1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="${reception}" name="Tiếp nhận hồ sơ">
      <bpmn:extensionElements>
        <zeebe:assignmentDefinition candidateGroups="${groups.desk}" />
        <zeebe:taskHeaders><zeebe:header key="eiso.timeLimit" value="1" /></zeebe:taskHeaders>
      </bpmn:extensionElements>
      <bpmn:incoming>F1</bpmn:incoming><bpmn:outgoing>F2</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:exclusiveGateway id="ChonHuong" name="Hướng xử lý" default="F3"><bpmn:incoming>F2</bpmn:incoming><bpmn:outgoing>F3</bpmn:outgoing><bpmn:outgoing>F4</bpmn:outgoing><bpmn:outgoing>F6</bpmn:outgoing></bpmn:exclusiveGateway>
    <bpmn:intermediateCatchEvent id="ChoNiemYet" name="Chờ niêm yết 30 ngày">
      <bpmn:incoming>F4</bpmn:incoming><bpmn:outgoing>F5</bpmn:outgoing>
      <bpmn:timerEventDefinition id="ChoNiemYet_T"><bpmn:timeDuration xsi:type="bpmn:tFormalExpression" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">P30D</bpmn:timeDuration></bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:callActivity id="GoiLienThong" name="Lấy ý kiến cơ quan liên thông">
      <bpmn:extensionElements><zeebe:calledElement processId="${ids.child}" propagateAllChildVariables="false" /></bpmn:extensionElements>
      <bpmn:incoming>F6</bpmn:incoming><bpmn:outgoing>F7</bpmn:outgoing>
    </bpmn:callActivity>
    <bpmn:userTask id="ThamDinh" name="Thẩm định hồ sơ">
      <bpmn:extensionElements>
        <zeebe:assignmentDefinition candidateGroups="${groups.division}" />
        <zeebe:taskHeaders><zeebe:header key="eiso.timeLimit" value="${appraisalDays}" /></zeebe:taskHeaders>
      </bpmn:extensionElements>
      <bpmn:incoming>F3</bpmn:incoming><bpmn:incoming>F5</bpmn:incoming><bpmn:incoming>F7</bpmn:incoming><bpmn:outgoing>F8</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:endEvent id="KetThuc" name="Kết thúc"><bpmn:incoming>F8</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="F1" sourceRef="BatDau" targetRef="${reception}" />
    <bpmn:sequenceFlow id="F2" sourceRef="${reception}" targetRef="ChonHuong" />
    <bpmn:sequenceFlow id="F3" sourceRef="ChonHuong" targetRef="ThamDinh" />
    <bpmn:sequenceFlow id="F4" name="chờ niêm yết" sourceRef="ChonHuong" targetRef="ChoNiemYet"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">=huong = "cho"</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="F5" sourceRef="ChoNiemYet" targetRef="ThamDinh" />
    <bpmn:sequenceFlow id="F6" name="liên thông" sourceRef="ChonHuong" targetRef="GoiLienThong"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">=huong = "lienthong"</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="F7" sourceRef="GoiLienThong" targetRef="ThamDinh" />
    <bpmn:sequenceFlow id="F8" sourceRef="ThamDinh" targetRef="KetThuc" />
  </bpmn:process>
  <bpmndi:BPMNDiagram id="Dg"><bpmndi:BPMNPlane id="Pl" bpmnElement="${ids.root}">
    <bpmndi:BPMNShape id="BatDau_di" bpmnElement="BatDau"><dc:Bounds x="100" y="200" width="36" height="36" /></bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="${reception}_di" bpmnElement="${reception}"><dc:Bounds x="180" y="178" width="100" height="80" /></bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="ChonHuong_di" bpmnElement="ChonHuong" isMarkerVisible="true"><dc:Bounds x="330" y="193" width="50" height="50" /></bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="ChoNiemYet_di" bpmnElement="ChoNiemYet"><dc:Bounds x="442" y="82" width="36" height="36" /></bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="GoiLienThong_di" bpmnElement="GoiLienThong"><dc:Bounds x="410" y="300" width="100" height="80" /></bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="ThamDinh_di" bpmnElement="ThamDinh"><dc:Bounds x="580" y="178" width="100" height="80" /></bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="KetThuc_di" bpmnElement="KetThuc"><dc:Bounds x="740" y="200" width="36" height="36" /></bpmndi:BPMNShape>
    <bpmndi:BPMNEdge id="F1_di" bpmnElement="F1"><di:waypoint x="136" y="218" /><di:waypoint x="180" y="218" /></bpmndi:BPMNEdge>
    <bpmndi:BPMNEdge id="F2_di" bpmnElement="F2"><di:waypoint x="280" y="218" /><di:waypoint x="330" y="218" /></bpmndi:BPMNEdge>
    <bpmndi:BPMNEdge id="F3_di" bpmnElement="F3"><di:waypoint x="380" y="218" /><di:waypoint x="580" y="218" /></bpmndi:BPMNEdge>
    <bpmndi:BPMNEdge id="F4_di" bpmnElement="F4"><di:waypoint x="355" y="193" /><di:waypoint x="355" y="100" /><di:waypoint x="442" y="100" /></bpmndi:BPMNEdge>
    <bpmndi:BPMNEdge id="F5_di" bpmnElement="F5"><di:waypoint x="478" y="100" /><di:waypoint x="630" y="100" /><di:waypoint x="630" y="178" /></bpmndi:BPMNEdge>
    <bpmndi:BPMNEdge id="F6_di" bpmnElement="F6"><di:waypoint x="355" y="243" /><di:waypoint x="355" y="340" /><di:waypoint x="410" y="340" /></bpmndi:BPMNEdge>
    <bpmndi:BPMNEdge id="F7_di" bpmnElement="F7"><di:waypoint x="510" y="340" /><di:waypoint x="630" y="340" /><di:waypoint x="630" y="258" /></bpmndi:BPMNEdge>
    <bpmndi:BPMNEdge id="F8_di" bpmnElement="F8"><di:waypoint x="680" y="218" /><di:waypoint x="740" y="218" /></bpmndi:BPMNEdge>
  </bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
</bpmn:definitions>`;
  };
  const child = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions ${NS} id="Defs_${ids.child}" targetNamespace="http://eiso.gov.vn/test">
  <bpmn:process id="${ids.child}" name="Ý kiến cơ quan liên thông" isExecutable="true">
    <bpmn:extensionElements><zeebe:properties><zeebe:property name="eiso.timeLimit" value="5" /></zeebe:properties></bpmn:extensionElements>
    <bpmn:startEvent id="BatDau" name="Bắt đầu"><bpmn:outgoing>F1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="PheDuyet" name="Cho ý kiến liên thông">
      <bpmn:extensionElements>
        <zeebe:assignmentDefinition candidateGroups="${groups.partner}" />
        <zeebe:taskHeaders><zeebe:header key="eiso.timeLimit" value="2" /></zeebe:taskHeaders>
      </bpmn:extensionElements>
      <bpmn:incoming>F1</bpmn:incoming><bpmn:outgoing>F2</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:endEvent id="KetThuc" name="Kết thúc"><bpmn:incoming>F2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="F1" sourceRef="BatDau" targetRef="PheDuyet" />
    <bpmn:sequenceFlow id="F2" sourceRef="PheDuyet" targetRef="KetThuc" />
  </bpmn:process>
  <bpmndi:BPMNDiagram id="Dg"><bpmndi:BPMNPlane id="Pl" bpmnElement="${ids.child}">
    <bpmndi:BPMNShape id="BatDau_di" bpmnElement="BatDau"><dc:Bounds x="100" y="100" width="36" height="36" /></bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="PheDuyet_di" bpmnElement="PheDuyet"><dc:Bounds x="200" y="78" width="100" height="80" /></bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="KetThuc_di" bpmnElement="KetThuc"><dc:Bounds x="400" y="100" width="36" height="36" /></bpmndi:BPMNShape>
    <bpmndi:BPMNEdge id="F1_di" bpmnElement="F1"><di:waypoint x="136" y="118" /><di:waypoint x="200" y="118" /></bpmndi:BPMNEdge>
    <bpmndi:BPMNEdge id="F2_di" bpmnElement="F2"><di:waypoint x="300" y="118" /><di:waypoint x="400" y="118" /></bpmndi:BPMNEdge>
  </bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
</bpmn:definitions>`;
  return { ids, root, child };
}

/** The model without the platform's time limits: as deployed straight to the engine (no deadline listeners, no timers). */
export const withoutTimeLimits = (xml: string) =>
  xml.replace(/<zeebe:property name="eiso\.timeLimit"[^>]*\/>/g, '').replace(/<zeebe:header key="eiso\.timeLimit"[^>]*\/>/g, '');
