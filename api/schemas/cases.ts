import { Type, type Static } from 'typebox';
import { ZeebeKey } from './common.js';

export const CaseParams = Type.Object({ processInstanceKey: ZeebeKey });
export type CaseParams = Static<typeof CaseParams>;

export const PauseBody = Type.Object(
  { reason: Type.String({ minLength: 3, maxLength: 1000, description: 'Why the clock stops, e.g. "Chờ công dân bổ sung giấy tờ"' }) },
  { additionalProperties: false },
);
export type PauseBody = Static<typeof PauseBody>;

const Instant = Type.String({ format: 'date-time', description: 'ISO date-time, +07:00' });

export const CasePause = Type.Object({
  reason: Type.String(),
  pausedAt: Instant,
  pausedBy: Type.Union([Type.String(), Type.Null()]),
  resumedAt: Type.Union([Instant, Type.Null()]),
  resumedBy: Type.Union([Type.String(), Type.Null()]),
  workingDays: Type.Union([Type.Number(), Type.Null()], { description: 'Working days inside the pause (half-day resolution), set on resume' }),
});

/** The case clock: receipt, statutory limit, appointment (ngày hẹn trả) moved by pauses, finish. */
export const CaseDeadline = Type.Object({
  processInstanceKey: ZeebeKey,
  bpmnProcessId: Type.String(),
  unitCode: Type.Union([Type.String(), Type.Null()], { description: 'Unit whose calendar counts the case; null = national' }),
  timeLimitDays: Type.Number(),
  receivedAt: Instant,
  originalAppointmentAt: Instant,
  appointmentAt: Instant,
  pausedDays: Type.Number(),
  pausedMs: Type.Number(),
  paused: Type.Boolean(),
  finishedAt: Type.Union([Instant, Type.Null()]),
  onTime: Type.Union([Type.Boolean(), Type.Null()]),
  pauses: Type.Array(CasePause),
});
export type CaseDeadline = Static<typeof CaseDeadline>;
