import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Http1Client } from './http1.ts';

describe('Http1Client (the tile bench’s keep-alive client)', () => {
  const big = Buffer.alloc(1_000_000, 7);
  const sockets = new Set<unknown>();
  let server: http.Server;
  let client: Http1Client;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      sockets.add(req.socket);
      if (req.url === '/hello') return res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 5, 'x-seen': req.headers['x-ask'] ?? '' }).end('hello');
      if (req.url === '/empty') return res.writeHead(204).end();
      if (req.url === '/etag') return req.headers['if-none-match'] === '"a"' ? res.writeHead(304, { etag: '"a"' }).end() : res.writeHead(200, { etag: '"a"', 'content-length': 1 }).end('a');
      if (req.url === '/big') return res.writeHead(200, { 'content-length': big.length }).end(big);
      if (req.url === '/chunked') { res.write('part'); return res.end('s'); }
      if (req.url === '/close') return res.writeHead(200, { connection: 'close', 'content-length': 3 }).end('bye');
      res.writeHead(404, { 'content-length': 0 }).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    client = new Http1Client('127.0.0.1', (server.address() as AddressInfo).port);
  });
  afterAll(async () => {
    client.close();
    await new Promise((resolve) => server.close(resolve));
  });

  it('reads status, headers and a content-length body, and sends the headers asked for', async () => {
    const r = await client.get('/hello', { 'x-ask': 'yes' });
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/plain');
    expect(r.headers['x-seen']).toBe('yes');
    expect(r.body.toString()).toBe('hello');
  });

  it('answers without a body for 204 and 304, then goes on on the same connection', async () => {
    sockets.clear();
    expect((await client.get('/empty')).status).toBe(204);
    const first = await client.get('/etag');
    expect(first.body.toString()).toBe('a');
    const again = await client.get('/etag', { 'if-none-match': first.headers.etag });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    expect((await client.get('/hello')).body.toString()).toBe('hello');
    expect(sockets.size).toBe(1);
  });

  it('reads a body that arrives in many chunks, byte for byte', async () => {
    const r = await client.get('/big');
    expect(r.body.length).toBe(big.length);
    expect(r.body.equals(big)).toBe(true);
  });

  it('refuses chunked answers instead of misreading them, and reconnects after', async () => {
    await expect(client.get('/chunked')).rejects.toThrow(/transfer-encoding chunked/);
    expect((await client.get('/hello')).body.toString()).toBe('hello');
  });

  it('reconnects after the server closes the connection', async () => {
    expect((await client.get('/close')).body.toString()).toBe('bye');
    expect((await client.get('/hello')).status).toBe(200);
  });

  it('allows one request in flight', async () => {
    const a = client.get('/hello');
    await expect(client.get('/hello')).rejects.toThrow(/one request at a time/);
    expect((await a).status).toBe(200);
  });
});
