import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

const tileJson = (version: string) => ({ name: 'grids', version, tiles: ['/tiles/grids/{z}/{x}/{y}.mvt?v=' + version], minzoom: 0, maxzoom: 16, bounds: [7.4, 43.7, 7.45, 43.76] });

describe('TileJSON fetching', () => {
  let calls: string[];
  let answers: (() => Response)[];
  beforeEach(() => {
    vi.resetModules();
    calls = [];
    answers = [];
    vi.stubGlobal('location', { origin: 'http://wall.test' });
    vi.stubGlobal('fetch', vi.fn(async (url: string) => {
      calls.push(url);
      const next = answers.shift();
      return next ? next() : new Response(JSON.stringify(tileJson('v1')));
    }));
  });
  afterEach(() => { vi.unstubAllGlobals(); vi.useRealTimers(); });

  it('gives a prefetched answer to the first ask only, with absolute tile URLs; later asks fetch afresh', async () => {
    const { fetchTileJson, prefetchTileJson } = await import('./tilesets.ts');
    prefetchTileJson(['grids'], 'k');
    prefetchTileJson(['grids'], 'k');
    expect(calls).toEqual(['/tiles/grids.json']);
    const [a, b] = await Promise.all([fetchTileJson('grids', 'k'), fetchTileJson('grids', 'k')]);
    expect(calls).toHaveLength(1);
    expect(a.tiles[0]).toBe('http://wall.test/tiles/grids/{z}/{x}/{y}.mvt?v=v1');
    expect(b).toBe(a);
    answers.push(() => new Response(JSON.stringify(tileJson('v2'))));
    expect((await fetchTileJson('grids', 'k')).version).toBe('v2');
    expect(calls).toHaveLength(2);
    // Once per page: a re-render asking again starts nothing.
    prefetchTileJson(['grids'], 'k');
    expect(calls).toHaveLength(2);
  });

  it('asks again when the prefetch failed', async () => {
    const { fetchTileJson, prefetchTileJson } = await import('./tilesets.ts');
    answers.push(() => new Response('{}', { status: 503 }));
    prefetchTileJson(['basemap'], null);
    expect((await fetchTileJson('basemap', null)).version).toBe('v1');
    expect(calls).toEqual(['/tiles/basemap.json', '/tiles/basemap.json']);
  });

  it('drops a prefetched answer nobody took within seconds, so a later version poll never gets an old version', async () => {
    vi.useFakeTimers();
    const { fetchTileJson, prefetchTileJson } = await import('./tilesets.ts');
    prefetchTileJson(['incidents'], 't');
    await vi.advanceTimersByTimeAsync(6_000);
    answers.push(() => new Response(JSON.stringify(tileJson('v9'))));
    expect((await fetchTileJson('incidents', 't')).version).toBe('v9');
    expect(calls).toHaveLength(2);
  });
});
