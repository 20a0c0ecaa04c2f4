import type { Knex } from 'knex';

/**
 * Inbox for officers and leaders: urges (đôn đốc) from a leader to the holder of a task, the
 * assignment trail on inbox tasks, read state of in-app notifications, and the indexes the inbox
 * buckets, filters and leader views need at 1M open / 10M finished tasks.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('inbox_tasks', (t) => {
    t.timestamp('urged_at', { useTz: true }).comment(
      'Last urge (đôn đốc) to the current holder; cleared when the task changes hands. Puts the task in the holder\'s "reminded" bucket',
    );
    t.string('assigned_by', 100).comment('Username of the leader who assigned the task to its holder; null when the holder claimed it');
  });

  await knex.schema.createTable('task_urges', (t) => {
    t.comment('Urges (đôn đốc): a leader reminds the holder of a task to finish it. One row per urge, never updated.');
    t.bigIncrements('id');
    t.bigInteger('job_key').notNullable().references('job_key').inTable('inbox_tasks').onDelete('CASCADE').comment('The task (inbox_tasks.job_key)');
    t.string('by_user', 100).notNullable().comment('Username of the leader who urged');
    t.string('to_user', 100).notNullable().comment('Username of the holder at the time of the urge');
    t.text('message').notNullable().comment('What the leader wrote');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['job_key', 'created_at'], 'task_urges_task_at_idx');
    t.index(['to_user', 'created_at'], 'task_urges_to_at_idx');
  });

  await knex.schema.alterTable('notifications', (t) => {
    t.string('kind', 30).notNullable().defaultTo('message').comment('message | task_assigned | task_urged | ... : what the notification is about');
    t.bigInteger('task_key').comment('Inbox task (job key) the notification is about, for a link');
    t.timestamp('read_at', { useTz: true }).comment('When the recipient marked it read; null while unread');
  });
  await knex.raw(`CREATE INDEX notifications_unread_idx ON notifications (recipient, created_at DESC) WHERE read_at IS NULL`);

  // Buckets and filters (all partial on the open set, which stays small next to the finished set).
  await knex.raw(`CREATE INDEX inbox_tasks_open_due_idx ON inbox_tasks (due_date) WHERE status IN ('open','completing')`);
  await knex.raw(`CREATE INDEX inbox_tasks_open_users_idx ON inbox_tasks USING gin (candidate_users) WHERE status IN ('open','completing')`);
  await knex.raw(`CREATE INDEX inbox_tasks_open_urged_idx ON inbox_tasks (assignee) WHERE urged_at IS NOT NULL AND status IN ('open','completing')`);
  // Leaders look at the finished tasks of their subtree by candidate group.
  await knex.raw(`CREATE INDEX inbox_tasks_done_groups_idx ON inbox_tasks USING gin (candidate_groups) WHERE status = 'completed'`);
  // Case code (mã hồ sơ) search.
  await knex.raw(`CREATE INDEX inbox_tasks_case_code_idx ON inbox_tasks ((variables->>'maHoSo'))`);
}

export async function down(knex: Knex): Promise<void> {
  for (const idx of [
    'inbox_tasks_case_code_idx',
    'inbox_tasks_done_groups_idx',
    'inbox_tasks_open_urged_idx',
    'inbox_tasks_open_users_idx',
    'inbox_tasks_open_due_idx',
    'notifications_unread_idx',
  ]) {
    await knex.raw(`DROP INDEX IF EXISTS ${idx}`);
  }
  await knex.schema.alterTable('notifications', (t) => {
    t.dropColumn('read_at');
    t.dropColumn('task_key');
    t.dropColumn('kind');
  });
  await knex.schema.dropTable('task_urges');
  await knex.schema.alterTable('inbox_tasks', (t) => {
    t.dropColumn('assigned_by');
    t.dropColumn('urged_at');
  });
}
