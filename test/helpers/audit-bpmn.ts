/** A process for the timeline test: start -> timer (PT1S) -> message catch (correlated by caseCode) -> end. */
export function timerMessageProcess(processId: string, messageName: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:zeebe="http://camunda.org/schema/zeebe/1.0"
  id="defs_${processId}" targetNamespace="http://eiso.vn/test">
  <bpmn:message id="msg" name="${messageName}">
    <bpmn:extensionElements><zeebe:subscription correlationKey="=caseCode" /></bpmn:extensionElements>
  </bpmn:message>
  <bpmn:process id="${processId}" name="Chờ bổ sung hồ sơ" isExecutable="true">
    <bpmn:startEvent id="start" name="Nhận"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:intermediateCatchEvent id="wait" name="Chờ 1 giây">
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
      <bpmn:timerEventDefinition><bpmn:timeDuration>PT1S</bpmn:timeDuration></bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:intermediateCatchEvent id="supplement" name="Công dân bổ sung">
      <bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f3</bpmn:outgoing>
      <bpmn:messageEventDefinition messageRef="msg" />
    </bpmn:intermediateCatchEvent>
    <bpmn:endEvent id="end" name="Xong"><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="wait" />
    <bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="supplement" />
    <bpmn:sequenceFlow id="f3" sourceRef="supplement" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>
`;
}
