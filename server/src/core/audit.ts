import type { Queryable } from './db.ts';
import type { AuthUser } from './auth.ts';

/** Appends one line to the audit log, inside the caller's transaction when given one. */
export async function audit(
  q: Queryable,
  user: Pick<AuthUser, 'id' | 'username'> | null,
  action: string,
  entity: string,
  entityId: string | number | null,
  details: Record<string, unknown> = {},
): Promise<void> {
  await q.query(
    'INSERT INTO audit_log (user_id, username, action, entity, entity_id, details) VALUES ($1, $2, $3, $4, $5, $6)',
    [user?.id ?? null, user?.username ?? null, action, entity, entityId === null ? null : String(entityId), JSON.stringify(details)],
  );
}
