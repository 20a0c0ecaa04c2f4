import type { Knex } from 'knex';
import * as core from './20261123000100_core.js';
import * as history from './20261123000200_history.js';
import * as procedures from './20261123000300_procedures.js';
import * as calendar from './20261123000400_calendar.js';
import * as deadlines from './20261123000500_deadlines.js';
import * as audit from './20261123000900_audit.js';
import * as inbox from './20261123000600_inbox.js';
import * as taskExtras from './20261123000700_task_extras.js';

import * as versionedForms from './20261123000800_versioned_forms.js';
import * as email from './20261123001000_email.js';
import * as inboxScale from './20261123001100_inbox_scale.js';
import * as onestop from './20261123002000_onestop.js';
import * as loginLockout from './20261123004000_login_lockout.js';
import * as onestopNotices from './20261123002100_onestop_notices.js';
import * as onestopStats from './20261123002200_onestop_stats.js';
import * as iso from './20261123003000_iso.js';
import * as retentionPartitions from './20261123001400_retention_partitions.js';
import * as engineOutbox from './20261123005000_engine_outbox.js';
import * as inboxDoneScopes from './20261123009000_inbox_done_scopes.js';
import * as inboxOpenScopes from './20261123009100_inbox_open_scopes.js';
import * as inboxSearchText from './20261123009200_inbox_search_text.js';
import * as isoFeedback from './20261123006000_iso_feedback.js';
import * as caseIndex from './20261123007000_case_index.js';
import * as auditTargetMonths from './20261123007010_audit_target_months.js';
import * as authSessions from './20261123009300_auth_sessions.js';
import * as auditHardening from './20261123010000_audit_hardening.js';
import * as publicSubmissions from './20261206001000_public_submissions.js';
import * as timeLimitUnits from './20261206002000_time_limit_units.js';
import * as externalDefinitions from './20261206003000_external_definitions.js';
import * as bundledProcedures from './20261207100000_bundled_procedures.js';
import * as recordInstanceIdx from './20261123009400_record_instance_idx.js';
import * as caseRoot from './20261207110000_case_root.js';
import * as onestopReceptionForms from './20261208010000_onestop_reception_forms.js';
import * as caseUnitsOfPeople from './20261208020000_case_units_of_people.js';
import * as dossierReference from './20261209020000_dossier_reference.js';
import * as onestopProcedureAgencies from './20261209030000_onestop_procedure_agencies.js';
import * as isoAgencies from './20261209040000_iso_agencies.js';
import * as supplementForm from './20261210010000_supplement_form.js';
import * as platformClock from './20261210020000_platform_clock.js';
import * as forecastHistoryIndex from './20261210050000_forecast_history_index.js';
import * as legalDocuments from './20261211010000_legal_documents.js';
import * as inboxOpenScopesUnchanged from './20261212020000_inbox_open_scopes_unchanged.js';
import * as caseSearchText from './20261213010000_case_search_text.js';
import * as caseIndexWatch from './20261214010000_case_index_watch.js';

/** Static migration source: every migration, in order. Add new files here. */
const migrations: Record<string, Knex.Migration> = {
  '20261123000100_core': core,
  '20261123000200_history': history,
  '20261123000300_procedures': procedures,
  '20261123000400_calendar': calendar,
  '20261123000500_deadlines': deadlines,
  '20261123000900_audit': audit,
  '20261123000600_inbox': inbox,
  '20261123000700_task_extras': taskExtras,
  '20261123000800_versioned_forms': versionedForms,
  '20261123001000_email': email,
  '20261123001100_inbox_scale': inboxScale,
  '20261123002000_onestop': onestop,
  '20261123004000_login_lockout': loginLockout,
  '20261123002100_onestop_notices': onestopNotices,
  '20261123002200_onestop_stats': onestopStats,
  '20261123003000_iso': iso,
  '20261123001400_retention_partitions': retentionPartitions,
  '20261123005000_engine_outbox': engineOutbox,
  '20261123009000_inbox_done_scopes': inboxDoneScopes,
  '20261123009100_inbox_open_scopes': inboxOpenScopes,
  '20261123009200_inbox_search_text': inboxSearchText,
  '20261123006000_iso_feedback': isoFeedback,
  '20261123007000_case_index': caseIndex,
  '20261123007010_audit_target_months': auditTargetMonths,
  '20261123009300_auth_sessions': authSessions,
  '20261123010000_audit_hardening': auditHardening,
  '20261206001000_public_submissions': publicSubmissions,
  '20261206002000_time_limit_units': timeLimitUnits,
  '20261206003000_external_definitions': externalDefinitions,
  '20261207110000_case_root': caseRoot,
  '20261123009400_record_instance_idx': recordInstanceIdx,
  '20261207100000_bundled_procedures': bundledProcedures,
  '20261208010000_onestop_reception_forms': onestopReceptionForms,
  '20261208020000_case_units_of_people': caseUnitsOfPeople,
  '20261209020000_dossier_reference': dossierReference,
  '20261209030000_onestop_procedure_agencies': onestopProcedureAgencies,
  '20261209040000_iso_agencies': isoAgencies,
  '20261210010000_supplement_form': supplementForm,
  '20261210020000_platform_clock': platformClock,
  '20261210050000_forecast_history_index': forecastHistoryIndex,
  '20261211010000_legal_documents': legalDocuments,
  '20261212020000_inbox_open_scopes_unchanged': inboxOpenScopesUnchanged,
  '20261213010000_case_search_text': caseSearchText,
  '20261214010000_case_index_watch': caseIndexWatch,
};

export const migrationSource: Knex.MigrationSource<string> = {
  getMigrations: async () => Object.keys(migrations).sort(),
  getMigrationName: (name) => name,
  getMigration: async (name) => migrations[name],
};

export async function migrateLatest(knex: Knex): Promise<void> {
  await knex.migrate.latest({ migrationSource });
}

export async function migrateRollbackAll(knex: Knex): Promise<void> {
  await knex.migrate.rollback({ migrationSource }, true);
}
