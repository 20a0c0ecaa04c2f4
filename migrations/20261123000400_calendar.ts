import type { Knex } from 'knex';

/**
 * Working-day calendar: national schedule days and organisation overrides, working hours and
 * cut-off per unit, and the audit trail of every change. Seeds the official 2025 and 2026
 * schedules (frozen constants) and the national settings.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('calendar_days', (t) => {
    t.comment(
      'Non-standard days of the working calendar: national official-schedule days (unit_id null) and organisation overrides. Statutory holidays of years without a schedule are computed, not stored.',
    );
    t.increments('id');
    t.date('day').notNullable().comment('Local date in Vietnam (UTC+7)');
    t.specificType('year', 'smallint GENERATED ALWAYS AS (EXTRACT(YEAR FROM day)::smallint) STORED').comment('Year of day, for the year view');
    t.string('kind', 20).notNullable().comment('holiday (ngày lễ, Tết) | day_off (nghỉ bù, hoán đổi) | working_day (làm bù, e.g. a Saturday)');
    t.string('name', 300).notNullable().comment('Reason shown to people ("Tiếng Việt / English" for built-in days)');
    t.string('occasion', 30).comment(
      'Statutory occasion the day belongs to; a national day with an occasion replaces the computed days of that occasion in its year',
    );
    t.integer('unit_id')
      .references('id')
      .inTable('org_units')
      .onDelete('CASCADE')
      .comment('Unit whose override this is (inherited by its subtree); null = national');
    t.string('source', 300).comment('Legal document or other origin, e.g. CV 9859/VPCP-KGVX');
    t.integer('created_by').references('id').inTable('users').onDelete('SET NULL');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.integer('updated_by').references('id').inTable('users').onDelete('SET NULL');
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw(`ALTER TABLE calendar_days ADD CONSTRAINT calendar_days_kind_ck CHECK (kind IN ('holiday','day_off','working_day'))`);
  await knex.raw(
    `ALTER TABLE calendar_days ADD CONSTRAINT calendar_days_occasion_ck CHECK (occasion IS NULL OR occasion IN ('new-year','lunar-new-year','hung-kings','reunification','labour-day','national-day','culture-day'))`,
  );
  await knex.raw(`ALTER TABLE calendar_days ADD CONSTRAINT calendar_days_range_ck CHECK (day BETWEEN DATE '2000-01-01' AND DATE '2100-12-31')`);
  await knex.raw(`CREATE UNIQUE INDEX calendar_days_national_day_uq ON calendar_days (day) WHERE unit_id IS NULL`);
  await knex.raw(`CREATE UNIQUE INDEX calendar_days_unit_day_uq ON calendar_days (unit_id, day) WHERE unit_id IS NOT NULL`);
  await knex.raw(`CREATE INDEX calendar_days_year_idx ON calendar_days (year, unit_id)`);

  await knex.schema.createTable('calendar_settings', (t) => {
    t.comment('Working hours (two half-days) and receipt cut-off: one national row (unit_id null) and optional rows per unit, inherited by its subtree.');
    t.increments('id');
    t.integer('unit_id').references('id').inTable('org_units').onDelete('CASCADE').comment('Unit these settings belong to; null = national');
    t.specificType('morning_start', 'time(0)').notNullable().comment('Start of the morning half-day (local time)');
    t.specificType('morning_end', 'time(0)').notNullable();
    t.specificType('afternoon_start', 'time(0)').notNullable();
    t.specificType('afternoon_end', 'time(0)').notNullable();
    t.specificType('cutoff', 'time(0)').comment('A receipt after this time counts from the next working day; null = no cut-off');
    t.boolean('culture_day').comment('National row only: Vietnamese Culture Day 24/11 is a holiday from 2026 (flag until the legal text is confirmed)');
    t.integer('updated_by').references('id').inTable('users').onDelete('SET NULL');
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw(
    `ALTER TABLE calendar_settings ADD CONSTRAINT calendar_settings_order_ck CHECK (morning_start < morning_end AND morning_end <= afternoon_start AND afternoon_start < afternoon_end)`,
  );
  await knex.raw(`ALTER TABLE calendar_settings ADD CONSTRAINT calendar_settings_culture_day_ck CHECK ((unit_id IS NULL) = (culture_day IS NOT NULL))`);
  await knex.raw(`CREATE UNIQUE INDEX calendar_settings_national_uq ON calendar_settings ((unit_id IS NULL)) WHERE unit_id IS NULL`);
  await knex.raw(`CREATE UNIQUE INDEX calendar_settings_unit_uq ON calendar_settings (unit_id) WHERE unit_id IS NOT NULL`);

  await knex.schema.createTable('calendar_changes', (t) => {
    t.comment('Audit trail: every change to calendar_days and calendar_settings, with who, when, what, before, after and why.');
    t.bigIncrements('id');
    t.timestamp('changed_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.integer('user_id').references('id').inTable('users').onDelete('SET NULL').comment('Who made the change');
    t.string('username', 100).notNullable().comment('Who made the change, kept if the user is removed');
    t.string('action', 20).notNullable().comment('create | update | delete');
    t.string('entity', 20).notNullable().comment('day | settings');
    t.integer('unit_id').references('id').inTable('org_units').onDelete('SET NULL').comment('Unit concerned; null = national');
    t.string('unit_code', 50).comment('Code of the unit concerned, kept if the unit is removed');
    t.date('day').comment('The calendar day concerned (entity day)');
    t.jsonb('before').comment('The row before the change; null for create');
    t.jsonb('after').comment('The row after the change; null for delete');
    t.text('reason').notNullable().comment('Why, as given by the administrator');
  });
  await knex.raw(`ALTER TABLE calendar_changes ADD CONSTRAINT calendar_changes_action_ck CHECK (action IN ('create','update','delete'))`);
  await knex.raw(`ALTER TABLE calendar_changes ADD CONSTRAINT calendar_changes_entity_ck CHECK (entity IN ('day','settings'))`);
  await knex.raw(`CREATE INDEX calendar_changes_changed_at_idx ON calendar_changes (changed_at DESC, id DESC)`);
  await knex.raw(`CREATE INDEX calendar_changes_unit_idx ON calendar_changes (unit_id, changed_at DESC)`);

  await knex('calendar_days').insert(OFFICIAL_DAYS_2025_2026);
  await knex('calendar_settings').insert({
    unit_id: null,
    morning_start: '07:30',
    morning_end: '11:30',
    afternoon_start: '13:30',
    afternoon_end: '17:00',
    cutoff: '15:00',
    culture_day: true,
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('calendar_changes');
  await knex.schema.dropTable('calendar_settings');
  await knex.schema.dropTable('calendar_days');
}

/**
 * The official 2025 and 2026 schedules as this migration seeded them, frozen here: a migration never
 * reads live code, so what it did does not change when domain/deadlines/calendar/official-schedules.ts
 * does (test/unit/config.test.ts checks both agree today).
 */
export const OFFICIAL_DAYS_2025_2026: readonly { day: string; kind: string; name: string; occasion: string | null; source: string | null }[] = [
  { day: '2025-01-01', kind: 'holiday', name: "Tết Dương lịch / New Year's Day", occasion: 'new-year', source: 'CV 8726/VPCP-KGVX 26/11/2024' },
  {
    day: '2025-01-27',
    kind: 'holiday',
    name: 'Tết Nguyên đán (28 tháng Chạp) / Lunar New Year',
    occasion: 'lunar-new-year',
    source: 'CV 8726/VPCP-KGVX 26/11/2024',
  },
  {
    day: '2025-01-28',
    kind: 'holiday',
    name: "Tết Nguyên đán (29 tháng Chạp) / Lunar New Year's Eve",
    occasion: 'lunar-new-year',
    source: 'CV 8726/VPCP-KGVX 26/11/2024',
  },
  {
    day: '2025-01-29',
    kind: 'holiday',
    name: 'Tết Nguyên đán (mùng 1) / Lunar New Year, day 1',
    occasion: 'lunar-new-year',
    source: 'CV 8726/VPCP-KGVX 26/11/2024',
  },
  {
    day: '2025-01-30',
    kind: 'holiday',
    name: 'Tết Nguyên đán (mùng 2) / Lunar New Year, day 2',
    occasion: 'lunar-new-year',
    source: 'CV 8726/VPCP-KGVX 26/11/2024',
  },
  {
    day: '2025-01-31',
    kind: 'holiday',
    name: 'Tết Nguyên đán (mùng 3) / Lunar New Year, day 3',
    occasion: 'lunar-new-year',
    source: 'CV 8726/VPCP-KGVX 26/11/2024',
  },
  {
    day: '2025-04-07',
    kind: 'holiday',
    name: "Giỗ Tổ Hùng Vương (10/3 âm lịch) / Hung Kings' Commemoration",
    occasion: 'hung-kings',
    source: 'CV 8726/VPCP-KGVX 26/11/2024',
  },
  { day: '2025-04-30', kind: 'holiday', name: 'Ngày Chiến thắng 30/4 / Reunification Day', occasion: 'reunification', source: 'TB 6150/TB-BLĐTBXH' },
  { day: '2025-05-01', kind: 'holiday', name: "Ngày Quốc tế Lao động 1/5 / International Workers' Day", occasion: 'labour-day', source: 'TB 6150/TB-BLĐTBXH' },
  {
    day: '2025-05-02',
    kind: 'day_off',
    name: 'Nghỉ hoán đổi (làm bù thứ Bảy 26/4) / Swapped day off (worked on Sat 26/4)',
    occasion: 'labour-day',
    source: 'TB 6150/TB-BLĐTBXH',
  },
  {
    day: '2025-04-26',
    kind: 'working_day',
    name: 'Làm bù cho thứ Sáu 2/5 / Make-up working day for Fri 2/5',
    occasion: 'labour-day',
    source: 'TB 6150/TB-BLĐTBXH',
  },
  {
    day: '2025-09-01',
    kind: 'holiday',
    name: 'Quốc khánh (ngày liền kề) / National Day (adjacent day)',
    occasion: 'national-day',
    source: 'CV 8726/VPCP-KGVX 26/11/2024',
  },
  { day: '2025-09-02', kind: 'holiday', name: 'Quốc khánh 2/9 / National Day', occasion: 'national-day', source: 'CV 8726/VPCP-KGVX 26/11/2024' },
  { day: '2026-01-01', kind: 'holiday', name: "Tết Dương lịch / New Year's Day", occasion: 'new-year', source: 'CV 12729/VPCP-KGVX 25/12/2025' },
  {
    day: '2026-01-02',
    kind: 'day_off',
    name: 'Nghỉ hoán đổi (làm bù thứ Bảy 10/1) / Swapped day off (worked on Sat 10/1)',
    occasion: 'new-year',
    source: 'CV 12729/VPCP-KGVX 25/12/2025',
  },
  {
    day: '2026-01-10',
    kind: 'working_day',
    name: 'Làm bù cho thứ Sáu 2/1 / Make-up working day for Fri 2/1',
    occasion: 'new-year',
    source: 'CV 12729/VPCP-KGVX 25/12/2025',
  },
  {
    day: '2026-02-16',
    kind: 'holiday',
    name: "Tết Nguyên đán (29 tháng Chạp) / Lunar New Year's Eve",
    occasion: 'lunar-new-year',
    source: 'CV 9859/VPCP-KGVX 13/10/2025',
  },
  {
    day: '2026-02-17',
    kind: 'holiday',
    name: 'Tết Nguyên đán (mùng 1) / Lunar New Year, day 1',
    occasion: 'lunar-new-year',
    source: 'CV 9859/VPCP-KGVX 13/10/2025',
  },
  {
    day: '2026-02-18',
    kind: 'holiday',
    name: 'Tết Nguyên đán (mùng 2) / Lunar New Year, day 2',
    occasion: 'lunar-new-year',
    source: 'CV 9859/VPCP-KGVX 13/10/2025',
  },
  {
    day: '2026-02-19',
    kind: 'holiday',
    name: 'Tết Nguyên đán (mùng 3) / Lunar New Year, day 3',
    occasion: 'lunar-new-year',
    source: 'CV 9859/VPCP-KGVX 13/10/2025',
  },
  {
    day: '2026-02-20',
    kind: 'holiday',
    name: 'Tết Nguyên đán (mùng 4) / Lunar New Year, day 4',
    occasion: 'lunar-new-year',
    source: 'CV 9859/VPCP-KGVX 13/10/2025',
  },
  {
    day: '2026-04-26',
    kind: 'holiday',
    name: "Giỗ Tổ Hùng Vương (10/3 âm lịch) / Hung Kings' Commemoration",
    occasion: 'hung-kings',
    source: 'BLLĐ 2019 Điều 112',
  },
  {
    day: '2026-04-27',
    kind: 'day_off',
    name: "Nghỉ bù Giỗ Tổ Hùng Vương / Day off in lieu of Hung Kings' Commemoration",
    occasion: 'hung-kings',
    source: 'BLLĐ 2019 Điều 111(3)',
  },
  { day: '2026-04-30', kind: 'holiday', name: 'Ngày Chiến thắng 30/4 / Reunification Day', occasion: 'reunification', source: 'BLLĐ 2019 Điều 112' },
  { day: '2026-05-01', kind: 'holiday', name: "Ngày Quốc tế Lao động 1/5 / International Workers' Day", occasion: 'labour-day', source: 'BLLĐ 2019 Điều 112' },
  {
    day: '2026-09-01',
    kind: 'holiday',
    name: 'Quốc khánh (ngày liền kề) / National Day (adjacent day)',
    occasion: 'national-day',
    source: 'CV 9859/VPCP-KGVX 13/10/2025',
  },
  { day: '2026-09-02', kind: 'holiday', name: 'Quốc khánh 2/9 / National Day', occasion: 'national-day', source: 'CV 9859/VPCP-KGVX 13/10/2025' },
  {
    day: '2026-08-31',
    kind: 'day_off',
    name: 'Nghỉ hoán đổi (làm bù thứ Bảy 22/8) / Swapped day off (worked on Sat 22/8)',
    occasion: 'national-day',
    source: 'CV 9859/VPCP-KGVX 13/10/2025',
  },
  {
    day: '2026-08-22',
    kind: 'working_day',
    name: 'Làm bù cho thứ Hai 31/8 / Make-up working day for Mon 31/8',
    occasion: 'national-day',
    source: 'CV 9859/VPCP-KGVX 13/10/2025',
  },
];
