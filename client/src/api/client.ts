/** The signed-in session, kept in localStorage; a kiosk URL (?kiosk=<token>) signs in read-only. */
export interface Session {
  token: string;
  username: string;
  roles: string[];
}

const KEY = 'wangge.session';

export function loadSession(): Session | null {
  const kiosk = new URLSearchParams(location.search).get('kiosk');
  if (kiosk) return { token: kiosk, username: 'kiosk', roles: ['viewer'] };
  try {
    const raw = localStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    return null;
  }
}

export function saveSession(session: Session | null): void {
  if (session) localStorage.setItem(KEY, JSON.stringify(session));
  else localStorage.removeItem(KEY);
}

export class ApiError extends Error {
  constructor(public status: number, public code: string, message: string) {
    super(message);
  }
}

/** fetch + JSON + the uniform error body, with the session's bearer token when there is one. */
export async function api<T>(path: string, init: RequestInit & { token?: string | null } = {}): Promise<T> {
  const headers = new Headers(init.headers);
  if (init.token) headers.set('authorization', `Bearer ${init.token}`);
  if (init.body && !headers.has('content-type')) headers.set('content-type', 'application/json');
  const res = await fetch(path, { ...init, headers });
  const body = res.status === 204 ? null : await res.json().catch(() => null);
  if (!res.ok) {
    const err = (body as { error?: { code?: string; message?: string } } | null)?.error;
    throw new ApiError(res.status, err?.code ?? 'http_error', err?.message ?? `HTTP ${res.status}`);
  }
  return body as T;
}

export async function signIn(username: string, password: string): Promise<Session> {
  const { token } = await api<{ token: string }>('/api/auth/login', { method: 'POST', body: JSON.stringify({ username, password }) });
  const me = await api<{ username: string; roles: string[] }>('/api/auth/me', { token });
  return { token, username: me.username, roles: me.roles };
}
