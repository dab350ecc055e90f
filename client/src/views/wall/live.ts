import { useEffect, useRef, useState } from 'react';

export interface LiveEvent {
  id: number;
  type: string;
  at: string;
  data: { id?: number; lng?: number; lat?: number; light?: string; status?: string; category?: string; gridCode?: string | null; gridCodes?: string[]; to?: string; action?: string };
}

/**
 * The server's event stream, kept open unattended: EventSource reconnects by itself (the server
 * sends retry: 5000); the wall marks itself stale while the stream is down and keeps what it has.
 */
export function useLiveEvents(token: string | null, onEvent: (e: LiveEvent) => void): { connected: boolean; since: number } {
  const [state, setState] = useState({ connected: false, since: Date.now() });
  const handler = useRef(onEvent);
  handler.current = onEvent;
  useEffect(() => {
    if (!token) return undefined;
    const source = new EventSource(`/api/events?types=incident.&access_token=${encodeURIComponent(token)}`);
    const on = (ev: MessageEvent) => {
      try {
        // The server flattens the event: { type, jurisdictionId, at, ...data }.
        const { type, at, jurisdictionId: _j, ...data } = JSON.parse(ev.data as string) as { type: string; at: string; jurisdictionId: number | null } & LiveEvent['data'];
        handler.current({ id: Number(ev.lastEventId) || 0, type: type ?? ev.type, at, data });
      } catch {
        // A malformed event is dropped; the next summary refresh covers it.
      }
    };
    for (const type of ['incident.created', 'incident.step', 'incident.light']) source.addEventListener(type, on as EventListener);
    source.onopen = () => setState({ connected: true, since: Date.now() });
    source.onerror = () => setState((s) => (s.connected ? { connected: false, since: Date.now() } : s));
    return () => source.close();
  }, [token]);
  return state;
}

/**
 * Polls a JSON endpoint silently. On failure the last data stays and `stale` is set, so a wall
 * never goes blank when the network or the server drops out.
 */
export interface Polled<T> { data: T | null; stale: boolean; error: string | null; status: number | null; /** The URL the status and error are for. */ url: string | null }

export function usePolled<T>(url: string | null, token: string | null, everyMs: number, nudge = 0): Polled<T> {
  const [state, setState] = useState<Polled<T>>({ data: null, stale: false, error: null, status: null, url: null });
  useEffect(() => {
    if (!url) return undefined;
    let cancelled = false;
    const load = async () => {
      try {
        const res = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
        if (!res.ok) {
          if (!cancelled) setState((s) => ({ data: s.data, stale: true, error: `HTTP ${res.status}`, status: res.status, url }));
          return;
        }
        const data = (await res.json()) as T;
        if (!cancelled) setState({ data, stale: false, error: null, status: res.status, url });
      } catch (err) {
        if (!cancelled) setState((s) => ({ data: s.data, stale: true, error: (err as Error).message, status: null, url }));
      }
    };
    void load();
    const timer = setInterval(load, everyMs);
    return () => { cancelled = true; clearInterval(timer); };
  }, [url, token, everyMs, nudge]);
  return state;
}
