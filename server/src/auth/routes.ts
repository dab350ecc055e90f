import type { FastifyInstance } from 'fastify';
import { bearerSecurity, bearerToken, hashPassword, requireRole, ROLES, verifyPassword, type Role } from '../core/auth.ts';
import { audit } from '../core/audit.ts';
import { HttpError } from '../core/errors.ts';

const loginBody = {
  type: 'object',
  required: ['username', 'password'],
  additionalProperties: false,
  properties: {
    username: { type: 'string', minLength: 1, maxLength: 64 },
    password: { type: 'string', minLength: 1, maxLength: 200 },
  },
} as const;

export default async function authRoutes(app: FastifyInstance): Promise<void> {
  const { db, tokens } = app.wangge;

  app.post<{ Body: { username: string; password: string } }>('/api/auth/login', {
    schema: {
      tags: ['auth'],
      summary: 'Sign in; answers a bearer token',
      body: loginBody,
      response: { 200: { type: 'object', required: ['token'], properties: { token: { type: 'string' }, username: { type: 'string' }, roles: { type: 'array', items: { type: 'string' } }, expiresInHours: { type: 'number' } } } },
    },
  }, async (request) => {
    const { username, password } = request.body;
    const { rows } = await db.query<{ id: number; username: string; password_hash: string; roles: Role[]; disabled: boolean }>(
      'SELECT id, username, password_hash, roles, disabled FROM users WHERE username = $1', [username]);
    const user = rows[0];
    // Compare even when the user is unknown so timing does not reveal which usernames exist.
    const ok = await verifyPassword(password, user?.password_hash ?? '$2b$10$invalidinvalidinvalidinvalidinvalidinvalidinvalidinva');
    if (!user || !ok || user.disabled) throw new HttpError(401, 'invalid_credentials', 'Wrong username or password');
    const token = await db.tx(async (q) => {
      const t = await tokens.issue(q, user.id);
      await audit(q, user, 'login', 'user', user.id);
      return t;
    });
    return { token, username: user.username, roles: user.roles, expiresInHours: app.wangge.config.WANGGE_TOKEN_TTL_HOURS };
  });

  app.post('/api/auth/logout', {
    preHandler: requireRole(),
    schema: { tags: ['auth'], summary: 'Revoke the bearer token used for this request', security: bearerSecurity, response: { 204: { type: 'null' } } },
  }, async (request, reply) => {
    const token = bearerToken(request);
    if (token) await tokens.revoke(token);
    return reply.status(204).send();
  });

  app.get('/api/auth/me', {
    preHandler: requireRole(),
    schema: {
      tags: ['auth'], summary: 'The signed-in user', security: bearerSecurity,
      response: { 200: { type: 'object', properties: { id: { type: 'integer' }, username: { type: 'string' }, roles: { type: 'array', items: { type: 'string' } }, tokenKind: { type: 'string' }, area: { type: ['string', 'null'] } } } },
    },
  }, async (request) => request.user);
}

const userBody = {
  type: 'object',
  required: ['username', 'password', 'roles'],
  additionalProperties: false,
  properties: {
    username: { type: 'string', pattern: '^[A-Za-z0-9_.@-]{2,64}$' },
    password: { type: 'string', minLength: 8, maxLength: 200 },
    displayName: { type: 'string', maxLength: 100 },
    roles: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string', enum: [...ROLES] } },
    jurisdictionId: { type: 'integer' },
    departmentId: { type: 'integer' },
    phone: { type: 'string', maxLength: 40 },
  },
} as const;

const userOut = {
  type: 'object',
  properties: {
    id: { type: 'integer' }, username: { type: 'string' }, displayName: { type: ['string', 'null'] },
    roles: { type: 'array', items: { type: 'string' } }, jurisdictionId: { type: ['integer', 'null'] },
    departmentId: { type: ['integer', 'null'] }, phone: { type: ['string', 'null'] }, disabled: { type: 'boolean' },
  },
} as const;

interface UserBody { username: string; password: string; displayName?: string; roles: Role[]; jurisdictionId?: number; departmentId?: number; phone?: string }

export async function userRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app.wangge;
  const select = `SELECT id, username, display_name AS "displayName", roles, jurisdiction_id AS "jurisdictionId",
                         department_id AS "departmentId", phone, disabled FROM users`;

  app.get('/api/users', {
    preHandler: requireRole('admin'),
    schema: { tags: ['auth'], summary: 'List users (admin)', security: bearerSecurity, response: { 200: { type: 'array', items: userOut } } },
  }, async () => (await db.query(`${select} ORDER BY id`)).rows);

  app.post<{ Body: UserBody }>('/api/users', {
    preHandler: requireRole('admin'),
    schema: { tags: ['auth'], summary: 'Create a user (admin)', security: bearerSecurity, body: userBody, response: { 201: userOut } },
  }, async (request, reply) => {
    const b = request.body;
    const user = await db.tx(async (q) => {
      const taken = await q.query('SELECT 1 FROM users WHERE username = $1', [b.username]);
      if (taken.rows.length > 0) throw new HttpError(409, 'username_taken', `User "${b.username}" already exists`);
      const { rows } = await q.query<{ id: number }>(
        `INSERT INTO users (username, display_name, password_hash, roles, jurisdiction_id, department_id, phone)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
        [b.username, b.displayName ?? null, await hashPassword(b.password), b.roles, b.jurisdictionId ?? null, b.departmentId ?? null, b.phone ?? null]);
      await audit(q, request.user, 'create', 'user', rows[0].id, { username: b.username, roles: b.roles });
      return (await q.query(`${select} WHERE id = $1`, [rows[0].id])).rows[0];
    });
    return reply.status(201).send(user);
  });
}
