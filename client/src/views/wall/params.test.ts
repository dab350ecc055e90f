import { describe, expect, it } from 'vitest';
import { DEFAULT_DPR_CAP, DEFAULT_ROTATE_S, parseWallParams, stageScale } from './params.ts';

describe('wall URL', () => {
  it('defaults to the whole jurisdiction, both layers, the browser time zone', () => {
    expect(parseWallParams('', 'Asia/Shanghai')).toEqual({
      areas: [null], rotateSeconds: DEFAULT_ROTATE_S, layers: { incidents: true, live: true }, tz: 'Asia/Shanghai', dprCap: DEFAULT_DPR_CAP, kiosk: null,
    });
  });

  it('reads areas to rotate through, dropping malformed codes and duplicates, with a rotation floor', () => {
    const p = parseWallParams('?areas=980001001,980001002,bad%20code,980001001&rotate=3&layers=live&tz=UTC&dpr=9&kiosk=abc', 'Asia/Shanghai');
    expect(p.areas).toEqual(['980001001', '980001002']);
    expect(p.rotateSeconds).toBe(10);
    expect(p.layers).toEqual({ incidents: false, live: true });
    expect(p.tz).toBe('UTC');
    expect(p.dprCap).toBe(4);
    expect(p.kiosk).toBe('abc');
  });

  it('takes a single area', () => {
    expect(parseWallParams('?area=980001', 'UTC').areas).toEqual(['980001']);
  });

  it('scales the 1920×1080 design to fit any screen, letterboxed', () => {
    expect(stageScale(3840, 2160)).toBe(2);
    expect(stageScale(7680, 4320)).toBe(4);
    expect(stageScale(1920, 1200)).toBe(1);
    expect(stageScale(960, 540)).toBe(0.5);
  });
});
