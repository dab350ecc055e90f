/** A tileset as the client uses it: the server's TileJSON with absolute tile URLs. */
export interface TileJson {
  name: string;
  version: string;
  tiles: string[];
  minzoom: number;
  maxzoom: number;
  bounds: [number, number, number, number];
  attribution?: string;
}

/**
 * The incidents the maps draw: open ones in their deadline lights (every open case, not the
 * newest of every status that the 'incidents' tiles hold up to their cap). Also the style's
 * source id, so the version poll finds the source by its tileset.
 */
export const INCIDENTS_TILESET = 'open-incidents';

/**
 * Fetches a tileset's TileJSON. MapLibre loads tiles in workers, where a path such as
 * /tiles/… has no page to resolve against, so the URLs are made absolute here.
 */
export function fetchTileJson(id: string, token: string | null): Promise<TileJson> {
  // The map, the minimap and the wall ask for the same TileJSON at start: one request serves
  // all who ask while it is in flight (later calls, such as the version poll, fetch afresh).
  const key = keyOf(id, token);
  let pending = inFlight.get(key);
  if (!pending) {
    const prefetched = early.get(key);
    early.delete(key);
    pending = (prefetched ? prefetched.catch(() => loadTileJson(id, token)) : loadTileJson(id, token)).finally(() => inFlight.delete(key));
    inFlight.set(key, pending);
  }
  return pending;
}

/** One entry per tileset and signed-in token: the layers a token may read differ. */
function keyOf(id: string, token: string | null): string {
  return `${id}\u0000${token ?? ''}`;
}
const inFlight = new Map<string, Promise<TileJson>>();
/** Answers fetched before anyone asked, each kept for the first ask (a failed one is asked again). */
const early = new Map<string, Promise<TileJson>>();
const prefetchedOnce = new Set<string>();
/** An answer nobody took soon is dropped: the version poll must never get an old version. */
const EARLY_KEEP_MS = 5_000;

/**
 * Starts fetching the TileJSON a view will ask for while its code is still loading (the wall
 * is a chunk of its own): the map can be built as soon as the view renders. Once per page.
 */
export function prefetchTileJson(ids: string[], token: string | null): void {
  for (const id of ids) {
    const key = keyOf(id, token);
    if (prefetchedOnce.has(key) || inFlight.has(key)) continue;
    prefetchedOnce.add(key);
    const p = loadTileJson(id, token);
    p.catch(() => undefined);
    early.set(key, p);
    setTimeout(() => { if (early.get(key) === p) early.delete(key); }, EARLY_KEEP_MS);
  }
}

async function loadTileJson(id: string, token: string | null): Promise<TileJson> {
  const res = await fetch(`/tiles/${id}.json`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  if (!res.ok) throw new Error(`${id}: HTTP ${res.status}`);
  const tj = (await res.json()) as TileJson;
  return { ...tj, tiles: tj.tiles.map(absolute) };
}

/** `new URL()` would escape the {z}/{x}/{y} placeholders, so paths are joined by hand. */
function absolute(url: string): string {
  return /^https?:\/\//.test(url) ? url : `${location.origin}${url.startsWith('/') ? '' : '/'}${url}`;
}
