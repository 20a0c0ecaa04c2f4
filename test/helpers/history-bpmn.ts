/**
 * A small process for the history tests: start -> service task (job type `jobType`) -> exclusive
 * gateway -> "big" end (amount > 100) or "small" end (default flow). Names are Vietnamese on purpose.
 */
export function serviceTaskProcess(processId: string, jobType: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:zeebe="http://camunda.org/schema/zeebe/1.0"
  id="defs_${processId}" targetNamespace="http://eiso.vn/test">
  <bpmn:process id="${processId}" name="Kiểm thử lịch sử" isExecutable="true">
    <bpmn:startEvent id="start" name="Tiếp nhận">
      <bpmn:outgoing>f1</bpmn:outgoing>
    </bpmn:startEvent>
    <bpmn:serviceTask id="check" name="Kiểm tra hồ sơ">
      <bpmn:extensionElements>
        <zeebe:taskDefinition type="${jobType}" retries="3" />
      </bpmn:extensionElements>
      <bpmn:incoming>f1</bpmn:incoming>
      <bpmn:outgoing>f2</bpmn:outgoing>
    </bpmn:serviceTask>
    <bpmn:exclusiveGateway id="decide" name="Giá trị lớn?" default="f4">
      <bpmn:incoming>f2</bpmn:incoming>
      <bpmn:outgoing>f3</bpmn:outgoing>
      <bpmn:outgoing>f4</bpmn:outgoing>
    </bpmn:exclusiveGateway>
    <bpmn:endEvent id="endBig" name="Hồ sơ lớn">
      <bpmn:incoming>f3</bpmn:incoming>
    </bpmn:endEvent>
    <bpmn:endEvent id="endSmall">
      <bpmn:incoming>f4</bpmn:incoming>
    </bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="check" />
    <bpmn:sequenceFlow id="f2" sourceRef="check" targetRef="decide" />
    <bpmn:sequenceFlow id="f3" sourceRef="decide" targetRef="endBig">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">=amount &gt; 100</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f4" sourceRef="decide" targetRef="endSmall" />
  </bpmn:process>
</bpmn:definitions>
`;
}
