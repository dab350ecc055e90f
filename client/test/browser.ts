import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { inject } from 'vitest';
import type {} from './global-browser.ts';

/** Flags measured to work with Debian's Chromium in headless containers (see stack notes). */
const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export const browserSkip = inject('browserSkip');
export const baseUrl = inject('browserBaseUrl');

export function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: inject('chromiumPath'), args: FLAGS });
}

/** Waits until the map has drawn its tiles once (MapView sets window.__wangge.ready on 'idle'). */
export async function waitForMap(page: Page): Promise<void> {
  // The tiers drawn (ready) and deck.gl's overlay attached (labels, the views' layers).
  await page.waitForFunction(() => window.__wangge?.ready === true && window.__wangge.overlay !== null && window.__wangge.map.loaded(), null, { timeout: 90_000 });
}

export interface PixelStats {
  width: number;
  height: number;
  /** Share of pixels that differ from the most common colour (the background). */
  nonBackground: number;
  distinctColours: number;
  /** How many pixels are close to each asked-for colour. */
  near: Record<string, number>;
}

/**
 * Decodes a PNG screenshot in the browser itself (no image library needed) and counts what
 * is drawn: enough to tell a blank or single-colour canvas from a drawn map.
 */
export async function pixelStats(browser: Browser, png: Buffer, colours: Record<string, [number, number, number]> = {}): Promise<PixelStats> {
  const page = await browser.newPage();
  try {
    return await page.evaluate(async ({ data, colours }) => {
      const img = new Image();
      img.src = `data:image/png;base64,${data}`;
      await img.decode();
      const canvas = document.createElement('canvas');
      canvas.width = img.width;
      canvas.height = img.height;
      const ctx = canvas.getContext('2d')!;
      ctx.drawImage(img, 0, 0);
      const px = ctx.getImageData(0, 0, img.width, img.height).data;
      const counts = new Map<number, number>();
      const near: Record<string, number> = Object.fromEntries(Object.keys(colours).map((k) => [k, 0]));
      for (let i = 0; i < px.length; i += 4) {
        const key = (px[i] << 16) | (px[i + 1] << 8) | px[i + 2];
        counts.set(key, (counts.get(key) ?? 0) + 1);
        for (const [name, [r, g, b]] of Object.entries(colours)) {
          if (Math.abs(px[i] - r) + Math.abs(px[i + 1] - g) + Math.abs(px[i + 2] - b) < 60) near[name]++;
        }
      }
      const total = px.length / 4;
      const background = Math.max(...counts.values());
      return { width: img.width, height: img.height, nonBackground: 1 - background / total, distinctColours: counts.size, near };
    }, { data: png.toString('base64'), colours });
  } finally {
    await page.close();
  }
}

/** Where browser tests keep their screenshots as artefacts (git-ignored). */
export function artifactPath(name: string): string {
  const dir = path.resolve('test-artifacts/browser');
  fs.mkdirSync(dir, { recursive: true });
  return path.join(dir, name);
}

/** A JSON call to the server under test (for setting up what a test needs), failing on any non-2xx. */
export async function apiCall<T>(method: string, path: string, token: string | null, body?: unknown): Promise<T> {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}
