import type { Knex } from 'knex';

/**
 * The forms the one-stop desk issues instead of a receipt (TT 03/2025/TT-VPCP Phụ lục I): Mẫu 02 "Phiếu
 * yêu cầu bổ sung, hoàn thiện hồ sơ" and Mẫu 03 "Phiếu từ chối tiếp nhận giải quyết hồ sơ". One row per
 * form issued, with what it says (applicant, procedure, documents to add, reason), who issued it and when;
 * for an online submission the row points at its dossier, for a person at the desk there is no dossier
 * (the dossier is not received, so it has no code).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('onestop_reception_forms', (t) => {
    t.comment('Mẫu 02 (completion request) and Mẫu 03 (refusal) issued at the one-stop desk, in person or for an online submission');
    t.bigIncrements('id').primary('onestop_reception_forms_pk');
    t.string('form', 2).notNullable().comment("'02' completion request, '03' refusal to receive");
    t.bigInteger('dossier_id').nullable().references('id').inTable('dossiers').onDelete('CASCADE').comment('The online submission; null at the desk in person');
    t.string('procedure_code', 100).notNullable();
    t.string('desk_unit_code', 50).notNullable().comment('The desk that issued it (the procedure desk)');
    t.string('channel', 20).notNullable().comment('in_person | postal | online');
    t.jsonb('applicant').notNullable().comment('name, idNumber, phone, email, address as given at the desk');
    t.text('reason').notNullable();
    t.jsonb('documents').notNullable().defaultTo('[]').comment('Documents to add or correct: [{code, name, copies?, given?}]');
    t.string('issued_by', 100).notNullable().comment('Username of the desk officer');
    t.string('issued_by_name', 300).notNullable().comment('Full name at the time (printed on the form)');
    t.timestamp('issued_at', { useTz: true }).notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw(`ALTER TABLE onestop_reception_forms ADD CONSTRAINT onestop_reception_forms_form_ck CHECK (form IN ('02','03'))`);
  await knex.raw(`CREATE INDEX onestop_reception_forms_dossier_idx ON onestop_reception_forms (dossier_id, form) WHERE dossier_id IS NOT NULL`);
  await knex.raw(`CREATE INDEX onestop_reception_forms_desk_idx ON onestop_reception_forms (desk_unit_code, issued_at)`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('onestop_reception_forms');
}
