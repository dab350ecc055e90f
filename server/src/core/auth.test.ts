import { afterEach, describe, expect, it, vi } from 'vitest';
import { TOKEN_CACHE_MS, TokenStore } from './auth.ts';

/** A token table of one session token for user 'u'; counts the reads. */
function fakeDb(): { query: () => Promise<unknown>; reads: number } {
  const db = {
    reads: 0,
    query: async () => {
      db.reads++;
      return { rows: [{ id: 1, username: 'u', roles: ['viewer'], jurisdiction_id: null, department_id: null, kind: 'session', area: null }] };
    },
  };
  return db;
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('TokenStore: the resolved-token cache', () => {
  afterEach(() => { vi.restoreAllMocks(); });

  it('answers a cached token without scheduling a timer', async () => {
    // lru-cache's default ttlResolution (1 ms) caches "now" behind a 1 ms setTimeout; a map's tile
    // requests come more than 1 ms apart, so every request set a timer and woke the event loop
    // once more (docs/tiles.md, 2026-12-01 03:00: tiles 0.91–0.97× the time without it).
    const db = fakeDb();
    const tokens = new TokenStore(db as never, 24);
    await tokens.resolve('t1');
    await new Promise((resolve) => setTimeout(resolve, 5));
    const setTimer = vi.spyOn(globalThis, 'setTimeout');
    for (let i = 0; i < 3; i++) {
      expect(tokens.peek('t1')?.username).toBe('u');
      await tick();
    }
    expect(setTimer).not.toHaveBeenCalled();
    expect(db.reads).toBe(1);
  });

  it('still reads a token again once TOKEN_CACHE_MS has passed', async () => {
    const db = fakeDb();
    const tokens = new TokenStore(db as never, 24);
    await tokens.resolve('t1');
    expect(tokens.peek('t1')?.username).toBe('u');
    const now = performance.now();
    vi.spyOn(performance, 'now').mockReturnValue(now + TOKEN_CACHE_MS + 1000);
    expect(tokens.peek('t1')).toBeUndefined();
    await tokens.resolve('t1');
    expect(db.reads).toBe(2);
  });
});
