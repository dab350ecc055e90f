
/**
 * What a wall shows, read from its URL, so that a URL fully describes a wall:
 *   /wall?area=<code>            one area (a grid code of any tier; default: the whole jurisdiction)
 *        &areas=<c1>,<c2>,…      several areas shown in turn …
 *        &views=lights,hotspots,heat  map views shown in turn (default lights)
 *        &rotate=<seconds>       … this long each (default 60, minimum 10); with several areas
 *                                and several views, every view of an area, then the next area
 *        &layers=incidents,live  map layers (default both: incident tiles and live pulses)
 *        &lang=zh-CN|en          language (default zh-CN)
 *        &tz=Asia/Shanghai       the time zone that decides "today" (default: the browser's)
 *        &dpr=1.5                device-pixel-ratio cap (default 2)
 *        &kiosk=<token>          read-only kiosk sign-in
 */
/**
 * What the wall's map shows: incidents in their light colours, the Gi* hot and cold spots of
 * the last 30 days, or a kernel heatmap of the last 30 days.
 */
export type WallView = 'lights' | 'hotspots' | 'heat';
export const WALL_VIEWS: readonly WallView[] = ['lights', 'hotspots', 'heat'];

export interface WallParams {
  areas: (string | null)[];
  views: WallView[];
  rotateSeconds: number;
  layers: { incidents: boolean; live: boolean };
  tz: string;
  dprCap: number;
  kiosk: string | null;
}

const CODE = /^[0-9A-Za-z_-]{1,40}$/;
export const DEFAULT_ROTATE_S = 60;
export const DEFAULT_DPR_CAP = 2;

export function parseWallParams(search: string, browserTz: string): WallParams {
  const q = new URLSearchParams(search);
  const list = (q.get('areas') ?? q.get('area') ?? '').split(',').map((s) => s.trim()).filter((s) => CODE.test(s));
  const rotate = Number(q.get('rotate'));
  const layerList = q.get('layers')?.split(',').map((s) => s.trim()) ?? ['incidents', 'live'];
  const dpr = Number(q.get('dpr'));
  const views = (q.get('views') ?? '').split(',').map((s) => s.trim()).filter((s): s is WallView => (WALL_VIEWS as readonly string[]).includes(s));
  return {
    areas: list.length > 0 ? [...new Set(list)] : [null],
    views: views.length > 0 ? [...new Set(views)] : ['lights'],
    rotateSeconds: Number.isFinite(rotate) && rotate > 0 ? Math.max(10, rotate) : DEFAULT_ROTATE_S,
    layers: { incidents: layerList.includes('incidents'), live: layerList.includes('live') },
    tz: q.get('tz') || browserTz || 'UTC',
    dprCap: Number.isFinite(dpr) && dpr > 0 ? Math.min(dpr, 4) : DEFAULT_DPR_CAP,
    kiosk: kioskToken(search),
  };
}

/** The kiosk token a wall URL carries, if any (read before the wall's code has loaded). */
export function kioskToken(search: string): string | null {
  return new URLSearchParams(search).get('kiosk');
}

export interface WallSlide { area: string | null; view: WallView }

/** What the wall shows in turn: every view of the first area, then every view of the next, … */
export function wallSlides(params: Pick<WallParams, 'areas' | 'views'>): WallSlide[] {
  return params.areas.flatMap((area) => params.views.map((view) => ({ area, view })));
}

/** The scale that fits the 1920×1080 design into a screen of any size, letterboxed. */
export function stageScale(width: number, height: number): number {
  return Math.min(width / 1920, height / 1080);
}

/** Enough cells for Gi* to mean something (it needs 30) and for a heatmap to have shape. */
export const MIN_CELLS = 120;

/**
 * H3's average hexagon area in km² for resolutions 7–11 (h3-js `getHexagonAreaAvg`; the test
 * checks them against it). A table, not the call: importing h3-js here would put it, and the
 * deck.gl chunk it is bundled with, in the wall's first load ahead of the map.
 */
export const HEX_AREA_KM2: Readonly<Record<number, number>> = {
  7: 5.161293359717191, 8: 0.7373275975944177, 9: 0.1053325134272067, 10: 0.01504750190766435, 11: 0.002149643129451879,
};

/** The coarsest H3 resolution (7–11) that cuts the area in view into at least MIN_CELLS cells. */
export function hexResFor(bounds: [number, number, number, number]): number {
  const [w, s, e, n] = bounds;
  const kmPerDegLng = 111.32 * Math.cos((((s + n) / 2) * Math.PI) / 180);
  const km2 = Math.abs(e - w) * kmPerDegLng * Math.abs(n - s) * 110.57;
  for (let res = 7; res < 11; res += 1) {
    if (km2 / HEX_AREA_KM2[res] >= MIN_CELLS) return res;
  }
  return 11;
}
