import { NS } from './plain-model.js';

/**
 * A procedure whose gateway reads a variable the start does not give (soTien): the condition fails
 * and the engine raises an incident on the gateway. Setting soTien and resolving it lets the case go
 * on to the officer's step (soTien > 100) or straight to the end.
 */
export const incidentModel = (id: string, candidateGroup: string) => `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions ${NS} id="Defs_${id}" targetNamespace="http://eiso.gov.vn/test">
  <bpmn:process id="${id}" name="Thủ tục có điều kiện lỗi" isExecutable="true">
    <bpmn:extensionElements><zeebe:properties><zeebe:property name="eiso.timeLimit" value="5" /></zeebe:properties></bpmn:extensionElements>
    <bpmn:startEvent id="BatDau" name="Bắt đầu"><bpmn:outgoing>F1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:exclusiveGateway id="KiemTraSoTien" name="Số tiền lớn?"><bpmn:incoming>F1</bpmn:incoming><bpmn:outgoing>F2</bpmn:outgoing><bpmn:outgoing>F3</bpmn:outgoing></bpmn:exclusiveGateway>
    <bpmn:userTask id="XuLy" name="Xử lý hồ sơ giá trị lớn">
      <bpmn:extensionElements>
        <zeebe:assignmentDefinition candidateGroups="${candidateGroup}" />
        <zeebe:taskHeaders><zeebe:header key="eiso.timeLimit" value="2" /></zeebe:taskHeaders>
      </bpmn:extensionElements>
      <bpmn:incoming>F2</bpmn:incoming><bpmn:outgoing>F4</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:endEvent id="KetThuc" name="Kết thúc"><bpmn:incoming>F3</bpmn:incoming><bpmn:incoming>F4</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="F1" sourceRef="BatDau" targetRef="KiemTraSoTien" />
    <bpmn:sequenceFlow id="F2" name="Lớn" sourceRef="KiemTraSoTien" targetRef="XuLy"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">=soTien &gt; 100</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="F3" name="Nhỏ" sourceRef="KiemTraSoTien" targetRef="KetThuc"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">=soTien &lt;= 100</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="F4" sourceRef="XuLy" targetRef="KetThuc" />
  </bpmn:process>
  <bpmndi:BPMNDiagram id="Dg"><bpmndi:BPMNPlane id="Pl" bpmnElement="${id}">
    <bpmndi:BPMNShape id="BatDau_di" bpmnElement="BatDau"><dc:Bounds x="100" y="100" width="36" height="36" /></bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="KiemTraSoTien_di" bpmnElement="KiemTraSoTien" isMarkerVisible="true"><dc:Bounds x="190" y="93" width="50" height="50" /></bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="XuLy_di" bpmnElement="XuLy"><dc:Bounds x="300" y="78" width="100" height="80" /></bpmndi:BPMNShape>
    <bpmndi:BPMNShape id="KetThuc_di" bpmnElement="KetThuc"><dc:Bounds x="480" y="100" width="36" height="36" /></bpmndi:BPMNShape>
    <bpmndi:BPMNEdge id="F1_di" bpmnElement="F1"><di:waypoint x="136" y="118" /><di:waypoint x="190" y="118" /></bpmndi:BPMNEdge>
    <bpmndi:BPMNEdge id="F2_di" bpmnElement="F2"><di:waypoint x="240" y="118" /><di:waypoint x="300" y="118" /></bpmndi:BPMNEdge>
    <bpmndi:BPMNEdge id="F3_di" bpmnElement="F3"><di:waypoint x="215" y="143" /><di:waypoint x="215" y="200" /><di:waypoint x="498" y="200" /><di:waypoint x="498" y="136" /></bpmndi:BPMNEdge>
    <bpmndi:BPMNEdge id="F4_di" bpmnElement="F4"><di:waypoint x="400" y="118" /><di:waypoint x="480" y="118" /></bpmndi:BPMNEdge>
  </bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
</bpmn:definitions>`;
