import { Type, type Static, type TSchema } from 'typebox';
import { ZeebeKey } from './common.js';

function Nullable<T extends TSchema>(t: T) {
  return Type.Union([t, Type.Null()]);
}

/** An engine incident (a failed condition, a job out of retries, a bad expression) and the case it holds up. */
export const Incident = Type.Object({
  incidentKey: ZeebeKey,
  /** Zeebe's error type: CONDITION_ERROR, JOB_NO_RETRIES, EXTRACT_VALUE_ERROR, ... */
  errorType: Type.String(),
  errorMessage: Nullable(Type.String()),
  elementId: Type.String(),
  elementName: Nullable(Type.String()),
  /** The instance the incident is in (a called process's own instance, or the case itself) */
  processInstanceKey: ZeebeKey,
  bpmnProcessId: Type.String(),
  processName: Nullable(Type.String()),
  jobKey: Nullable(ZeebeKey),
  state: Type.Union([Type.Literal('created'), Type.Literal('resolved')]),
  created: Type.String({ format: 'date-time' }),
  resolved: Nullable(Type.String({ format: 'date-time' })),
  /** The case (root process instance) the incident holds up */
  rootCase: Type.Object({ processInstanceKey: ZeebeKey, caseCode: Nullable(Type.String()) }),
});
export type Incident = Static<typeof Incident>;

export const IncidentList = Type.Object({ items: Type.Array(Incident) });
export type IncidentList = Static<typeof IncidentList>;

export const IncidentParams = Type.Object({ key: ZeebeKey });

export const FixIncidentBody = Type.Object(
  {
    /** Variables to set on the instance before the retry (merged where they are defined, else on the process) */
    variables: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { maxProperties: 50 })),
    /** Why: kept in the audit trail */
    note: Type.Optional(Type.String({ maxLength: 1000 })),
  },
  { additionalProperties: false },
);
export type FixIncidentBody = Static<typeof FixIncidentBody>;
