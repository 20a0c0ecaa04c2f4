/**
 * Process variables the platform owns: it sets them itself (reception, ISO registers, the deadline
 * pattern, the engine outbox) and reads them to find records, decide scope or route work. Nobody may
 * set or overwrite them through a start (POST /api/process-instances) or a task completion
 * (POST /api/tasks/:id/complete): such a request is refused with 400 naming the variable.
 */
export const OWNED_VARIABLES: ReadonlySet<string> = new Set([
  // engine outbox and case starts
  'eisoStartId',
  'startedBy',
  'startedByUnit',
  // deadline pattern (engine/deadline-pattern.ts)
  'eisoReceivedAt',
  'eisoAppointment',
  'eisoStepDue',
  'eisoStepRemind',
  // one-stop dossiers (domain/onestop/reception.ts)
  'dossierId',
  'dossierCode',
  'procedureCode',
  'channel',
  'applicantName',
  // ISO registers (domain/iso/registers.ts, domain/iso/start.ts)
  'ncId',
  'versionId',
  'documentId',
  'complaintId',
  'auditId',
  'reviewId',
  'riskId',
  'proposalId',
  // withdrawal message (domain/onestop/reception.ts withdrawDossier): who asked for it
  'nguoiRut',
  // notifications
  'recipient',
  // send back (domain/inbox/send-back.ts): the task view reads them to show where a case came back from
  'sendBackReason',
  'sentBackBy',
  'sentBackFrom',
  'sentBackFromName',
]);

/** Owned variable names are also refused with any prefix `eiso` (reserved for the platform). */
export function ownedVariablesIn(variables: Record<string, unknown> | undefined | null): string[] {
  if (!variables) return [];
  return Object.keys(variables).filter((k) => OWNED_VARIABLES.has(k) || /^eiso[A-Z_]/.test(k));
}
