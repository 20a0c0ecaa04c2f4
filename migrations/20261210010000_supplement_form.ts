import type { Knex } from 'knex';

/**
 * Mẫu 02 "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ" (TT 03/2025/TT-VPCP) for a supplement asked during
 * processing (issue 17 item 6): the request in dossier_supplements is the form's record, one per request
 * (unique on the element instance). It gains what the form prints beyond the reason: the items asked
 * (the process variable giayToBoSung), the name of the officer who asked as it was then, and the unit of
 * the step that asked. Rows written before have none of them: the form then names the officer's unit
 * and lists the reason only.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('dossier_supplements', (t) => {
    t.jsonb('documents').notNullable().defaultTo('[]').comment('Items asked (Mẫu 02): [{code?, name}] from the variable giayToBoSung');
    t.string('requested_by_name', 300).comment('Full name of the officer who asked, at the time (printed on Mẫu 02)');
    t.string('requested_unit_code', 50).comment('Unit of the step that asked (the candidate group of the step completed before)');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('dossier_supplements', (t) => {
    t.dropColumn('requested_unit_code');
    t.dropColumn('requested_by_name');
    t.dropColumn('documents');
  });
}
