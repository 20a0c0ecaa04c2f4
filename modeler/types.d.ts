// Declarations for the untyped bpmn-io packages the modeler uses (only what we call).
declare module 'bpmn-js-properties-panel' {
  export const BpmnPropertiesPanelModule: unknown;
  export const BpmnPropertiesProviderModule: unknown;
  export const ZeebePropertiesProviderModule: unknown;
  export function useService<T = any>(name: string, strict?: boolean): T;
}
declare module '@bpmn-io/properties-panel' {
  export const TextFieldEntry: any;
  export const TextAreaEntry: any;
  export const SelectEntry: any;
  export const NumberFieldEntry: any;
  export const Group: any;
  export function isTextFieldEntryEdited(node: unknown): boolean;
  export function isTextAreaEntryEdited(node: unknown): boolean;
  export function isSelectEntryEdited(node: unknown): boolean;
  export function isNumberFieldEntryEdited(node: unknown): boolean;
}
declare module '@bpmn-io/properties-panel/preact' {
  export function h(type: unknown, props?: Record<string, unknown> | null, ...children: unknown[]): unknown;
}
declare module 'bpmn-js-bpmnlint' {
  const lintModule: unknown;
  export default lintModule;
}
declare module 'camunda-bpmn-js-behaviors/lib/camunda-cloud' {
  const behaviors: unknown;
  export default behaviors;
}
declare module 'bpmn-js-differ' {
  export interface DiffResult {
    _added: Record<string, { $type: string; id: string }>;
    _removed: Record<string, { $type: string; id: string }>;
    _changed: Record<string, { model: { $type: string; id: string }; attrs: Record<string, { oldValue: unknown; newValue: unknown }> }>;
    _layoutChanged: Record<string, { $type: string; id: string }>;
  }
  export function diff(a: unknown, b: unknown): DiffResult;
}
declare module 'bpmn-js-token-simulation' {
  const tokenSimulation: unknown;
  export default tokenSimulation;
}
