import { Type, type Static } from 'typebox';
import { ZeebeKey } from './common.js';

/** A file of the case, attached on one of its tasks. */
export const Attachment = Type.Object({
  id: Type.String({ pattern: '^[0-9]+$' }),
  fileName: Type.String(),
  mimeType: Type.String(),
  sizeBytes: Type.Integer(),
  sha256: Type.String(),
  /** Task the file was uploaded on, and its step. */
  taskId: ZeebeKey,
  elementId: Type.String(),
  stepName: Type.String(),
  uploadedBy: Type.String(),
  uploadedAt: Type.String({ format: 'date-time' }),
});
export type Attachment = Static<typeof Attachment>;

export const AttachmentList = Type.Object({
  items: Type.Array(Attachment),
  /** Largest file the server accepts, in bytes. */
  maxBytes: Type.Integer(),
  /** Extensions the server accepts (lower case, without the dot). */
  allowedExtensions: Type.Array(Type.String()),
});
export type AttachmentList = Static<typeof AttachmentList>;

export const UploadQuery = Type.Object({
  /** The file's name (the body is the raw content, application/octet-stream). */
  name: Type.String({ minLength: 1, maxLength: 255 }),
});
export type UploadQuery = Static<typeof UploadQuery>;

export const AttachmentParams = Type.Object({ id: ZeebeKey, attachmentId: Type.String({ pattern: '^[0-9]{1,18}$' }) });

/** A plain-text comment on the case. */
export const Comment = Type.Object({
  id: Type.String({ pattern: '^[0-9]+$' }),
  taskId: ZeebeKey,
  elementId: Type.String(),
  stepName: Type.String(),
  author: Type.String(),
  authorName: Type.String(),
  /** Plain text: clients must show it as text, never as HTML. */
  body: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
});
export type Comment = Static<typeof Comment>;

export const CommentList = Type.Object({ items: Type.Array(Comment) });
export type CommentList = Static<typeof CommentList>;

export const CommentBody = Type.Object({ body: Type.String({ minLength: 1, maxLength: 4000 }) });
export type CommentBody = Static<typeof CommentBody>;

/** The step's settings from the deployed model, and whether it may be sent back. */
export const StepInfo = Type.Object({
  elementId: Type.String(),
  name: Type.String(),
  instructions: Type.Union([Type.String(), Type.Null()]),
  records: Type.Array(Type.String()),
  isoClauses: Type.Array(Type.String()),
  timeLimitDays: Type.Union([Type.Number(), Type.Null()]),
  sendBack: Type.Object({
    /** The model has a send-back path (an error boundary event with code SEND_BACK) on this step. */
    modelled: Type.Boolean(),
    /** The step the case returns to. */
    targetElementId: Type.Union([Type.String(), Type.Null()]),
    targetName: Type.Union([Type.String(), Type.Null()]),
    /** The current user may send it back now (modelled, open, and held by them). */
    allowed: Type.Boolean(),
  }),
  /** How this task ended: sending_back (pending), sent_back, or null. */
  outcome: Type.Union([Type.Literal('sending_back'), Type.Literal('sent_back'), Type.Null()]),
  sendBackReason: Type.Union([Type.String(), Type.Null()]),
  /** Why the case came back to this step, when it did (sendBackReason of the instance). */
  returnedReason: Type.Union([Type.String(), Type.Null()]),
  returnedBy: Type.Union([Type.String(), Type.Null()]),
});
export type StepInfo = Static<typeof StepInfo>;

/** The deployed diagram of the task's version and where the case stands on it. */
/** A step's time limit in working days, as the designer set it: the viewers mark it on the step. */
export const StepTimeLimit = Type.Object({ elementId: Type.String(), workingDays: Type.Number() });
export type StepTimeLimit = Static<typeof StepTimeLimit>;

export const Diagram = Type.Object({
  processDefinitionKey: ZeebeKey,
  bpmnProcessId: Type.String(),
  version: Type.Integer(),
  /** The version as the designer drew it: without the reminder and escalation branches the deploy adds to timed steps. */
  xml: Type.String(),
  stepTimeLimits: Type.Array(StepTimeLimit),
  /** Elements active now (this task's step included while it is open). */
  currentElementIds: Type.Array(Type.String()),
  /** Elements completed so far, in the order they were first reached. */
  completedElementIds: Type.Array(Type.String()),
  /** Elements interrupted (a step sent back, a cancelled branch). */
  terminatedElementIds: Type.Array(Type.String()),
  /** Sequence flows taken so far (SEQUENCE_FLOW_TAKEN records). */
  takenSequenceFlowIds: Type.Array(Type.String()),
});
export type Diagram = Static<typeof Diagram>;

export const SendBackBody = Type.Object({
  reason: Type.String({ minLength: 1, maxLength: 2000 }),
});
export type SendBackBody = Static<typeof SendBackBody>;
