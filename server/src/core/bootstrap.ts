import crypto from 'node:crypto';
import type { Db } from './db.ts';
import { hashPassword } from './auth.ts';

export interface AdminCredential {
  username: 'admin';
  /** Set when this start created the admin or reset its password. */
  password: string | null;
  created: boolean;
}

/**
 * The first start creates user `admin` with WANGGE_ADMIN_PASSWORD or a random password (printed
 * once). Later starts with WANGGE_ADMIN_PASSWORD set reset admin's password to it: the way back
 * in when the printed one is lost.
 */
export async function ensureAdmin(db: Db, password?: string): Promise<AdminCredential> {
  const { rows } = await db.query<{ id: number }>("SELECT id FROM users WHERE username = 'admin'");
  if (rows.length === 0) {
    const pw = password ?? crypto.randomBytes(9).toString('base64url');
    await db.query("INSERT INTO users (username, display_name, password_hash, roles) VALUES ('admin', 'Administrator', $1, ARRAY['admin'])", [await hashPassword(pw)]);
    return { username: 'admin', password: pw, created: true };
  }
  if (password) {
    await db.query("UPDATE users SET password_hash = $1, disabled = false WHERE username = 'admin'", [await hashPassword(password)]);
    return { username: 'admin', password, created: false };
  }
  return { username: 'admin', password: null, created: false };
}
