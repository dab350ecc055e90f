/**
 * A minimal HTTP/1.1 client for timing one request at a time on one keep-alive connection: it
 * writes the request line and headers and reads the status, the headers and a content-length body
 * (what Fastify sends for buffers and JSON), as load generators such as wrk or autocannon do.
 * Node's `http.get` spends ≈ 0.1–0.2 ms of the bench's own process per request (URL parsing,
 * agent bookkeeping, IncomingMessage streams) that then counts against the endpoint, while the raw
 * query's side runs through pg's lean protocol code; the tile bench times the endpoint with both.
 */
import net from 'node:net';

export interface Http1Response {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

export class Http1Client {
  private socket: net.Socket | null = null;
  private buffer: Buffer = Buffer.alloc(0);
  private pending: { resolve: (r: Http1Response) => void; reject: (e: Error) => void; head: boolean } | null = null;

  constructor(private readonly host: string, private readonly port: number) {}

  static fromUrl(base: string): Http1Client {
    const u = new URL(base);
    return new Http1Client(u.hostname, Number(u.port || 80));
  }

  /** One request; the previous one must have been answered (one request in flight per client). */
  request(method: 'GET' | 'HEAD', path: string, headers: Record<string, string> = {}): Promise<Http1Response> {
    if (this.pending) return Promise.reject(new Error('Http1Client: one request at a time'));
    const socket = this.connection();
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject, head: method === 'HEAD' };
      let text = `${method} ${path} HTTP/1.1\r\nhost: ${this.host}:${this.port}\r\n`;
      for (const [k, v] of Object.entries(headers)) text += `${k}: ${v}\r\n`;
      socket.write(`${text}\r\n`, 'latin1');
    });
  }

  get(path: string, headers?: Record<string, string>): Promise<Http1Response> {
    return this.request('GET', path, headers);
  }

  close(): void {
    this.socket?.destroy();
    this.socket = null;
  }

  private connection(): net.Socket {
    if (this.socket && !this.socket.destroyed) return this.socket;
    const socket = net.connect({ host: this.host, port: this.port, noDelay: true });
    this.buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
      this.parse();
    });
    const fail = (err: Error) => {
      // A connection closed on purpose (close()) or replaced has no request of its own left.
      if (this.socket !== socket) return;
      this.socket = null;
      const p = this.pending;
      this.pending = null;
      p?.reject(err);
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('Http1Client: connection closed before the answer was complete')));
    this.socket = socket;
    return socket;
  }

  private parse(): void {
    if (!this.pending) return;
    const end = this.buffer.indexOf('\r\n\r\n');
    if (end < 0) return;
    const lines = this.buffer.toString('latin1', 0, end).split('\r\n');
    const status = Number(lines[0].split(' ')[1]);
    const headers: Record<string, string> = {};
    for (let i = 1; i < lines.length; i++) {
      const colon = lines[i].indexOf(':');
      headers[lines[i].slice(0, colon).trim().toLowerCase()] = lines[i].slice(colon + 1).trim();
    }
    if (headers['transfer-encoding']) {
      this.fail(new Error(`Http1Client: transfer-encoding ${headers['transfer-encoding']} is not supported`));
      return;
    }
    const noBody = this.pending.head || status === 204 || status === 304 || (status >= 100 && status < 200);
    const length = noBody ? 0 : Number(headers['content-length'] ?? 0);
    if (this.buffer.length < end + 4 + length) return;
    const body = this.buffer.subarray(end + 4, end + 4 + length);
    this.buffer = this.buffer.subarray(end + 4 + length);
    const p = this.pending;
    this.pending = null;
    if (headers.connection === 'close') this.close();
    p.resolve({ status, headers, body });
  }

  private fail(err: Error): void {
    const p = this.pending;
    this.pending = null;
    this.close();
    p?.reject(err);
  }
}
