import fastifyMultipart from '@fastify/multipart';
import type { FastifyInstance } from 'fastify';

/**
 * multipart/form-data for the routes of one plugin scope (call it inside the plugin that takes
 * uploads). @fastify/multipart adds an async onRequest hook, a 'close' listener and an async
 * onResponse hook to every request of its scope; registered for the whole app, every tile and
 * every wall poll paid for them (docs/tiles.md, 2026-12-01 10:40). Elsewhere a multipart body is
 * 415 unsupported_media_type.
 */
export async function registerUploads(app: FastifyInstance): Promise<void> {
  const { config } = app.wangge;
  await app.register(fastifyMultipart, {
    limits: { fileSize: Math.round(config.WANGGE_UPLOAD_LIMIT_MB * 1024 * 1024), files: 10, fields: 50 },
  });
}
