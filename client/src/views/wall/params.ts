/**
 * What a wall shows, read from its URL, so that a URL fully describes a wall:
 *   /wall?area=<code>            one area (a grid code of any tier; default: the whole jurisdiction)
 *        &areas=<c1>,<c2>,…      several areas shown in turn …
 *        &rotate=<seconds>       … this long each (default 60, minimum 10)
 *        &layers=incidents,live  map layers (default both: incident tiles and live pulses)
 *        &lang=zh-CN|en          language (default zh-CN)
 *        &tz=Asia/Shanghai       the time zone that decides "today" (default: the browser's)
 *        &dpr=1.5                device-pixel-ratio cap (default 2)
 *        &kiosk=<token>          read-only kiosk sign-in
 */
export interface WallParams {
  areas: (string | null)[];
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
  return {
    areas: list.length > 0 ? [...new Set(list)] : [null],
    rotateSeconds: Number.isFinite(rotate) && rotate > 0 ? Math.max(10, rotate) : DEFAULT_ROTATE_S,
    layers: { incidents: layerList.includes('incidents'), live: layerList.includes('live') },
    tz: q.get('tz') || browserTz || 'UTC',
    dprCap: Number.isFinite(dpr) && dpr > 0 ? Math.min(dpr, 4) : DEFAULT_DPR_CAP,
    kiosk: q.get('kiosk'),
  };
}

/** The scale that fits the 1920×1080 design into a screen of any size, letterboxed. */
export function stageScale(width: number, height: number): number {
  return Math.min(width / 1920, height / 1080);
}
