export type { FormSchemas, Procedure, ProcedureVersion, WorkerType } from '../../../../api/schemas/procedures.js';
export type { ReadyStep as ReadyStepLike } from '../../../../modeler/bpmn-modeler.js';
