import crypto from 'node:crypto';
import http from 'node:http';
import type { FastifyServerOptions } from 'fastify';

/**
 * A handler that answers some requests before Fastify sees them (the vector tiles of a map,
 * dozens a second: server/src/tiles/fast-path.ts). It returns false, at once and having touched
 * nothing, for every request it leaves to Fastify. Once it returns true the response is its own;
 * when it cannot answer after all (any error) it calls `fallback`, which hands the untouched
 * request to Fastify — so errors are answered, logged and formatted in one place.
 */
export type FastPath = (req: http.IncomingMessage, res: http.ServerResponse, fallback: () => void) => boolean;

/** The request id: the caller's X-Request-Id when it sends a usable one, else a new UUID. */
export function requestIdOf(req: { headers: http.IncomingHttpHeaders }): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && given.length <= 64 ? given : crypto.randomUUID();
}

/**
 * Fastify's `serverFactory`: the HTTP server Fastify would make (its timeouts included), whose
 * requests go to the fast paths first, in order, and to Fastify when none takes them. The list
 * is read per request, so features add their fast paths as they register.
 */
export function serverWithFastPaths(paths: readonly FastPath[]) {
  return (fastify: (req: http.IncomingMessage, res: http.ServerResponse) => void, opts: FastifyServerOptions): http.Server => {
    const server = http.createServer((req, res) => {
      for (const path of paths) if (path(req, res, () => fastify(req, res))) return;
      fastify(req, res);
    });
    if (opts.keepAliveTimeout !== undefined) server.keepAliveTimeout = opts.keepAliveTimeout;
    if (opts.requestTimeout !== undefined) server.requestTimeout = opts.requestTimeout;
    if (opts.connectionTimeout !== undefined) server.setTimeout(opts.connectionTimeout);
    if (opts.maxRequestsPerSocket) server.maxRequestsPerSocket = opts.maxRequestsPerSocket;
    return server;
  };
}
