import type { Knex } from 'knex';

/**
 * Session security and citizen mail limits:
 * - users.token_version: tokens carry the version they were signed with; any change of the password,
 *   roles, unit or active flag (whatever writes it: the API, a script, psql) bumps it in a trigger, so
 *   every token issued before is refused, and NOTIFY inbox_changed {kind: "session", username} ends the
 *   user's open event streams. Signing out bumps it too.
 * - login_throttle: failed sign-ins per key ("pair:<username>|<address>", "ip:<address>",
 *   "user:<username>") with the time until which the key is slowed down (replaces the account lockout;
 *   users.failed_logins and users.locked_until are no longer read).
 * - dossier_notices.mail_skipped: why a citizen notice was not e-mailed (the daily limit per address);
 *   the notice stays on the lookup page.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.integer('token_version')
      .notNullable()
      .defaultTo(0)
      .comment('Bumped on password, role, unit or active change and on sign-out; tokens of another version are refused');
  });
  await knex.raw(`
    CREATE FUNCTION users_token_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.password_hash IS DISTINCT FROM OLD.password_hash
         OR NEW.roles IS DISTINCT FROM OLD.roles
         OR NEW.unit_id IS DISTINCT FROM OLD.unit_id
         OR NEW.active IS DISTINCT FROM OLD.active
         OR NEW.username IS DISTINCT FROM OLD.username THEN
        NEW.token_version := OLD.token_version + 1;
      END IF;
      RETURN NEW;
    END $$`);
  await knex.raw(`CREATE TRIGGER users_token_version_bump BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION users_token_version_bump()`);
  await knex.raw(`
    CREATE FUNCTION users_session_notify() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.token_version IS DISTINCT FROM OLD.token_version THEN
        PERFORM pg_notify('inbox_changed', json_build_object('kind', 'session', 'recipient', OLD.username)::text);
      END IF;
      RETURN NULL;
    END $$`);
  await knex.raw(`CREATE TRIGGER users_session_notify AFTER UPDATE ON users FOR EACH ROW EXECUTE FUNCTION users_session_notify()`);

  await knex.schema.createTable('login_throttle', (t) => {
    t.comment('Failed sign-ins per key (username and address pair, address, username) and the slow-down window they earned');
    t.string('key', 400).primary('login_throttle_pk');
    t.integer('failures').notNullable().defaultTo(0);
    t.timestamp('last_failure_at', { useTz: true });
    t.timestamp('blocked_until', { useTz: true }).comment('Attempts on this key are refused (429) until then');
    t.timestamp('last_success_at', { useTz: true }).comment('Pair keys: the last successful sign-in from this address');
  });
  await knex.raw(`CREATE INDEX login_throttle_failure_idx ON login_throttle (last_failure_at)`);

  await knex.schema.alterTable('dossier_notices', (t) => {
    t.string('mail_skipped', 200).comment('Why this notice was not e-mailed (e.g. the daily limit of the address); it stays on the lookup page');
  });
  await knex.raw(`CREATE INDEX dossier_notices_emailed_idx ON dossier_notices (lower(email), emailed_at) WHERE emailed_at IS NOT NULL`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`DROP INDEX IF EXISTS dossier_notices_emailed_idx`);
  await knex.schema.alterTable('dossier_notices', (t) => t.dropColumn('mail_skipped'));
  await knex.schema.dropTableIfExists('login_throttle');
  await knex.raw(`DROP TRIGGER IF EXISTS users_session_notify ON users`);
  await knex.raw(`DROP FUNCTION IF EXISTS users_session_notify()`);
  await knex.raw(`DROP TRIGGER IF EXISTS users_token_version_bump ON users`);
  await knex.raw(`DROP FUNCTION IF EXISTS users_token_version_bump()`);
  await knex.schema.alterTable('users', (t) => t.dropColumn('token_version'));
}
