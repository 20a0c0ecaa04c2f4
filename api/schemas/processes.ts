import { Type, type Static } from 'typebox';
import { Params, ZeebeKey } from './common.js';

export const DeployBody = Type.Object({
  /** File name shown in Zeebe, e.g. "cap-giay-phep.bpmn". */
  resourceName: Type.String({ minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9_.-]+\\.bpmn$' }),
  /** The BPMN 2.0 XML. */
  xml: Type.String({ minLength: 1, maxLength: 2_000_000 }),
  /** form-js schemas referenced by formKey "app:<id>", keyed by id. */
  forms: Type.Optional(Type.Record(Type.String(), Type.Record(Type.String(), Type.Unknown()))),
});
export type DeployBody = Static<typeof DeployBody>;

export const LintIssue = Type.Object({
  elementId: Type.String(),
  message: Type.String(),
  rule: Type.String(),
  category: Type.Union([Type.Literal('error'), Type.Literal('warn')]),
  /** The problem's code (lib/errors.ts) and params, for its text in the reader's language. */
  code: Type.Optional(Type.String()),
  params: Type.Optional(Params),
});
export type LintIssue = Static<typeof LintIssue>;

export const ProcessDefinition = Type.Object({
  processDefinitionKey: ZeebeKey,
  bpmnProcessId: Type.String(),
  name: Type.String(),
  version: Type.Integer(),
  resourceName: Type.String(),
  deployedBy: Type.Union([Type.String(), Type.Null()]),
  deployedAt: Type.String({ format: 'date-time' }),
  /** Running instances of this version (from the history projection). */
  activeInstances: Type.Integer(),
  /** Deployed to the broker outside the platform (zbctl, Camunda Modeler, the SDK), learned from the engine's exported stream. */
  external: Type.Boolean(),
  /** For an external version: what it lacks for the inbox (a human step without a known owner, a form the platform has not got). */
  warnings: Type.Array(LintIssue),
});
export type ProcessDefinition = Static<typeof ProcessDefinition>;

export const ProcessDefinitionList = Type.Object({ items: Type.Array(ProcessDefinition) });

export const DeployReply = Type.Object({
  deploymentKey: ZeebeKey,
  processes: Type.Array(Type.Object({ bpmnProcessId: Type.String(), version: Type.Integer(), processDefinitionKey: ZeebeKey })),
  warnings: Type.Array(LintIssue),
});
export type DeployReply = Static<typeof DeployReply>;

export const StartInstanceBody = Type.Object({
  bpmnProcessId: Type.String({ minLength: 1, maxLength: 200 }),
  version: Type.Optional(Type.Integer({ minimum: 1 })),
  variables: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
});
export type StartInstanceBody = Static<typeof StartInstanceBody>;

export const StartInstanceReply = Type.Object({
  processInstanceKey: ZeebeKey,
  bpmnProcessId: Type.String(),
  version: Type.Integer(),
});
export type StartInstanceReply = Static<typeof StartInstanceReply>;

export const StartInstanceHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 200,
      pattern: '^[\\x21-\\x7e]+$',
      description: 'Client-chosen key (printable ASCII): the same key from the same user always gives the same case',
    }),
  ),
});

/** 202: the start is saved in the engine outbox and runs when the engine answers. */
export const StartInstanceQueued = Type.Object({
  requestId: Type.String(),
  bpmnProcessId: Type.String(),
  status: Type.Literal('queued'),
  message: Type.String(),
});
export type StartInstanceQueued = Static<typeof StartInstanceQueued>;

export const InstanceParams = Type.Object({ key: ZeebeKey });
