import type { FastifyInstance } from 'fastify';

export default async function healthRoutes(app: FastifyInstance): Promise<void> {
  app.get('/api/health', {
    schema: {
      tags: ['system'],
      summary: 'Liveness and the database in use',
      response: {
        200: {
          type: 'object',
          required: ['status', 'db', 'postgis'],
          properties: { status: { type: 'string', enum: ['ok'] }, db: { type: 'string', enum: ['embedded', 'postgres'] }, postgis: { type: 'string' }, postgres: { type: 'string' } },
        },
      },
    },
  }, async () => {
    const { db } = app.wangge;
    const { rows } = await db.query<{ postgis: string; postgres: string }>(
      "SELECT postgis_lib_version() AS postgis, current_setting('server_version') AS postgres");
    return { status: 'ok', db: db.kind, postgis: rows[0].postgis, postgres: rows[0].postgres };
  });
}
