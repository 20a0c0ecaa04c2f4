/**
 * A draft for the calendar "what if" and the token simulation, with its diagram:
 *
 *   start → Tiếp nhận (0.5) → Thẩm định (7) → ◇ Đủ điều kiện? ─ default → [call] Lấy ý kiến → Phê duyệt (3) → Trả kết quả (0.5) → end
 *                                                            └─ không → Từ chối (0.5) → end
 *   the called process (same file): start → Xin ý kiến (1) → end
 *
 * Longest path: 0.5 + 7 + (1 in the called process) + 3 + 0.5 = 12 working days.
 * Candidate groups name no unit of the calendar: every step counts on the national calendar.
 */
export function simulateXml(id: string, opts: { total?: string; unit?: string } = {}): string {
  const total = opts.total ?? '15';
  const unit = opts.unit ?? 'calendar_days';
  const called = `${id}-y-kien`;
  const task = (tid: string, name: string, days: string, x: number, y: number, inc: string, out: string) => ({
    xml: `<bpmn:userTask id="${tid}" name="${name}">
      <bpmn:extensionElements>
        <zeebe:assignmentDefinition candidateGroups="SIM-KHONG-CO/officer" />
        <zeebe:taskHeaders><zeebe:header key="eiso.timeLimit" value="${days}" /></zeebe:taskHeaders>
      </bpmn:extensionElements>
      <bpmn:incoming>${inc}</bpmn:incoming><bpmn:outgoing>${out}</bpmn:outgoing>
    </bpmn:userTask>`,
    di: `<bpmndi:BPMNShape id="${tid}_di" bpmnElement="${tid}"><dc:Bounds x="${x}" y="${y}" width="100" height="80" /></bpmndi:BPMNShape>`,
  });
  const edge = (fid: string, points: [number, number][]) =>
    `<bpmndi:BPMNEdge id="${fid}_di" bpmnElement="${fid}">${points.map(([x, y]) => `<di:waypoint x="${x}" y="${y}" />`).join('')}</bpmndi:BPMNEdge>`;
  const tiepNhan = task('TiepNhan', 'Tiếp nhận hồ sơ', '0.5', 230, 160, 'F1', 'F2');
  const thamDinh = task('ThamDinh', 'Thẩm định hồ sơ', '7', 380, 160, 'F2', 'F3');
  const pheDuyet = task('PheDuyet', 'Phê duyệt', '3', 780, 160, 'F5', 'F6');
  const traKetQua = task('TraKetQua', 'Trả kết quả', '0.5', 930, 160, 'F6', 'F7');
  const tuChoi = task('TuChoi', 'Từ chối', '0.5', 630, 300, 'F8', 'F9');
  const xinYKien = task('XinYKien', 'Xin ý kiến', '1', 230, 160, 'C1', 'C2');
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="Defs_sim" targetNamespace="http://eiso.gov.vn/bpmn">
  <bpmn:process id="${id}" name="Cấp phép chạy thử" isExecutable="true">
    <bpmn:extensionElements><zeebe:properties><zeebe:property name="eiso.timeLimit" value="${total}" /><zeebe:property name="eiso.timeLimitUnit" value="${unit}" /></zeebe:properties></bpmn:extensionElements>
    <bpmn:startEvent id="BatDau" name="Nhận hồ sơ"><bpmn:outgoing>F1</bpmn:outgoing></bpmn:startEvent>
    ${tiepNhan.xml}
    ${thamDinh.xml}
    <bpmn:exclusiveGateway id="DuDieuKien" name="Đủ điều kiện?" default="F4"><bpmn:incoming>F3</bpmn:incoming><bpmn:outgoing>F4</bpmn:outgoing><bpmn:outgoing>F8</bpmn:outgoing></bpmn:exclusiveGateway>
    <bpmn:callActivity id="LayYKien" name="Lấy ý kiến">
      <bpmn:extensionElements><zeebe:calledElement processId="${called}" propagateAllChildVariables="false" /></bpmn:extensionElements>
      <bpmn:incoming>F4</bpmn:incoming><bpmn:outgoing>F5</bpmn:outgoing>
    </bpmn:callActivity>
    ${pheDuyet.xml}
    ${traKetQua.xml}
    ${tuChoi.xml}
    <bpmn:endEvent id="KetThuc" name="Đã trả kết quả"><bpmn:incoming>F7</bpmn:incoming></bpmn:endEvent>
    <bpmn:endEvent id="KetThucTuChoi" name="Đã từ chối"><bpmn:incoming>F9</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="F1" sourceRef="BatDau" targetRef="TiepNhan" />
    <bpmn:sequenceFlow id="F2" sourceRef="TiepNhan" targetRef="ThamDinh" />
    <bpmn:sequenceFlow id="F3" sourceRef="ThamDinh" targetRef="DuDieuKien" />
    <bpmn:sequenceFlow id="F4" name="Đủ" sourceRef="DuDieuKien" targetRef="LayYKien" />
    <bpmn:sequenceFlow id="F5" sourceRef="LayYKien" targetRef="PheDuyet" />
    <bpmn:sequenceFlow id="F6" sourceRef="PheDuyet" targetRef="TraKetQua" />
    <bpmn:sequenceFlow id="F7" sourceRef="TraKetQua" targetRef="KetThuc" />
    <bpmn:sequenceFlow id="F8" name="Không đủ" sourceRef="DuDieuKien" targetRef="TuChoi"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">=duDieuKien = false</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="F9" sourceRef="TuChoi" targetRef="KetThucTuChoi" />
  </bpmn:process>
  <bpmn:process id="${called}" name="Xin ý kiến" isExecutable="true">
    <bpmn:startEvent id="BatDauYKien"><bpmn:outgoing>C1</bpmn:outgoing></bpmn:startEvent>
    ${xinYKien.xml}
    <bpmn:endEvent id="KetThucYKien"><bpmn:incoming>C2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="C1" sourceRef="BatDauYKien" targetRef="XinYKien" />
    <bpmn:sequenceFlow id="C2" sourceRef="XinYKien" targetRef="KetThucYKien" />
  </bpmn:process>
  <bpmndi:BPMNDiagram id="Diagram_sim">
    <bpmndi:BPMNPlane id="Plane_sim" bpmnElement="${id}">
      <bpmndi:BPMNShape id="BatDau_di" bpmnElement="BatDau"><dc:Bounds x="152" y="182" width="36" height="36" /></bpmndi:BPMNShape>
      ${tiepNhan.di}
      ${thamDinh.di}
      <bpmndi:BPMNShape id="DuDieuKien_di" bpmnElement="DuDieuKien" isMarkerVisible="true"><dc:Bounds x="530" y="175" width="50" height="50" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="LayYKien_di" bpmnElement="LayYKien"><dc:Bounds x="630" y="160" width="100" height="80" /></bpmndi:BPMNShape>
      ${pheDuyet.di}
      ${traKetQua.di}
      ${tuChoi.di}
      <bpmndi:BPMNShape id="KetThuc_di" bpmnElement="KetThuc"><dc:Bounds x="1082" y="182" width="36" height="36" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="KetThucTuChoi_di" bpmnElement="KetThucTuChoi"><dc:Bounds x="782" y="322" width="36" height="36" /></bpmndi:BPMNShape>
      ${edge('F1', [
        [188, 200],
        [230, 200],
      ])}
      ${edge('F2', [
        [330, 200],
        [380, 200],
      ])}
      ${edge('F3', [
        [480, 200],
        [530, 200],
      ])}
      ${edge('F4', [
        [580, 200],
        [630, 200],
      ])}
      ${edge('F5', [
        [730, 200],
        [780, 200],
      ])}
      ${edge('F6', [
        [880, 200],
        [930, 200],
      ])}
      ${edge('F7', [
        [1030, 200],
        [1082, 200],
      ])}
      ${edge('F8', [
        [555, 225],
        [555, 340],
        [630, 340],
      ])}
      ${edge('F9', [
        [730, 340],
        [782, 340],
      ])}
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>
`;
}
