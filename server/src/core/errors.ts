import type { FastifyError, FastifyInstance } from 'fastify';

/**
 * An error a client can act on. Every error leaves the API as
 * `{ "error": { "code", "message", "details"? } }`.
 */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export const badRequest = (code: string, message: string, details?: unknown) => new HttpError(400, code, message, details);
export const notFound = (code: string, message: string, details?: unknown) => new HttpError(404, code, message, details);
export const conflict = (code: string, message: string, details?: unknown) => new HttpError(409, code, message, details);
export const unprocessable = (code: string, message: string, details?: unknown) => new HttpError(422, code, message, details);

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown; requestId?: string };
}

/** Fastify's own client errors, renamed to codes a client can switch on. */
const FASTIFY_CODES: Record<string, string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'body_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'empty_body',
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid_content_length',
  FST_REQ_FILE_TOO_LARGE: 'file_too_large',
  FST_FILES_LIMIT: 'too_many_files',
  FST_INVALID_MULTIPART_CONTENT_TYPE: 'not_multipart',
};

export function registerErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | HttpError, request, reply) => {
    if (err instanceof HttpError) {
      return reply.status(err.statusCode).send(body(err.code, err.message, err.details));
    }
    if ((err as FastifyError).validation) {
      const fe = err as FastifyError;
      return reply.status(400).send(body('validation_failed', fe.message, fe.validation));
    }
    const echoed = outOfRangeEcho(err as { code?: string; message?: string }, `${request.url} ${typeof request.body === 'string' ? request.body : JSON.stringify(request.body ?? null)}`);
    if (echoed) return reply.status(400).send(body(echoed.code, echoed.message, echoed.details));
    if (isMalformedMultipart(err, /^multipart\//i.test(request.headers['content-type'] ?? ''))) {
      return reply.status(400).send(body('malformed_multipart', `The multipart/form-data body could not be read (${err.message}); send it whole, with the boundary its Content-Type names`));
    }
    const status = (err as FastifyError).statusCode ?? 500;
    if (status >= 400 && status < 500) {
      const code = FASTIFY_CODES[(err as FastifyError).code] ?? snake((err as FastifyError).code ?? 'bad_request');
      return reply.status(status).send(body(code, err.message));
    }
    // 5xx: log everything, answer nothing internal (no SQL, no connection strings, no stack).
    request.log.error({ err }, 'request failed');
    return reply.status(status).send(body(status === 503 ? 'unavailable' : 'internal', status === 503 ? 'Service unavailable, try again shortly' : 'Internal server error', undefined, request.id));
  });
}

/**
 * PostgreSQL's "out of range" errors for a value the client sent verbatim: an id past the
 * integer range (`?jurisdiction=99999999999` on a dozen routes) or a date PostgreSQL has no
 * room for. The JSON schemas say `integer` and `date-time`, which let these through, and they
 * were 500s (probe of 2026-12-01). Only when the value PostgreSQL names appears in the request,
 * so an overflow of the server's own arithmetic stays a 500.
 */
export function outOfRangeEcho(err: { code?: string; message?: string }, request: string): { code: string; message: string; details: { value: string } } | null {
  if (err.code !== '22003' && err.code !== '22008') return null;
  const m = /value "([^"]{1,80})" is out of range for type (\w+)|date\/time field value out of range: "([^"]{1,80})"/.exec(err.message ?? '');
  const value = m?.[1] ?? m?.[3];
  if (!value || !request.includes(value)) return null;
  return m![1] !== undefined
    ? { code: 'out_of_range', message: `${value} is out of range (${m![2]}: at most ${m![2] === 'smallint' ? '32,767' : m![2] === 'bigint' ? '9,223,372,036,854,775,807' : '2,147,483,647'})`, details: { value } }
    : { code: 'invalid_date', message: `"${value}" is not a date PostgreSQL can hold`, details: { value } };
}

/**
 * A multipart body the parser could not read (cut off, no boundary, a broken part header):
 * @fastify/busboy's errors carry no status code or error code, only these messages, so they
 * would otherwise be answered as a 500. Only on multipart requests, and only errors without a
 * status of their own.
 */
export function isMalformedMultipart(err: { message?: string; statusCode?: number }, multipart: boolean): boolean {
  return multipart && err.statusCode === undefined && !(err instanceof HttpError)
    && /unexpected end of (multipart data|form)|malformed part header|boundary not found|part terminated early/i.test(err.message ?? '');
}

function body(code: string, message: string, details?: unknown, requestId?: string): ErrorBody {
  const error: ErrorBody['error'] = { code, message };
  if (details !== undefined) error.details = details;
  if (requestId !== undefined) error.requestId = requestId;
  return { error };
}

function snake(code: string): string {
  return code.replace(/^FST_(ERR_)?/, '').toLowerCase();
}

/** JSON schema of the error body, for the OpenAPI document. */
export const errorSchema = {
  $id: 'Error',
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string' },
        message: { type: 'string' },
        details: {},
        requestId: { type: 'string' },
      },
    },
  },
} as const;
