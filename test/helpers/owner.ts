import { inject } from 'vitest';
import { createKnex } from '../../lib/db.js';

/**
 * Runs one statement as the owner of the tables (the platform itself connects as the application role,
 * which may not, e.g., ANALYZE a table it does not own: PostgreSQL skips it with a warning).
 */
export async function asOwner(sql: string, bindings: readonly unknown[] = []): Promise<void> {
  const owner = createKnex(inject('ownerDatabaseUrl'), { min: 0, max: 1 });
  try {
    await owner.raw(sql, bindings as never);
  } finally {
    await owner.destroy();
  }
}
