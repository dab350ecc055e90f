import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { baseUrl, browserSkip, launch, pixelStats, waitForMap } from '../../../test/browser.ts';

async function apiCall<T>(method: string, path: string, token: string | null, body?: unknown): Promise<T> {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

describe.skipIf(Boolean(browserSkip))('map wall in headless Chromium', () => {
  let browser: Browser;
  let page: Page;
  let admin: string;
  let kioskUrl: string;
  const errors: string[] = [];

  beforeAll(async () => {
    admin = (await apiCall<{ token: string }>('POST', '/api/auth/login', null, { username: 'admin', password: inject('adminPassword') })).token;
    kioskUrl = (await apiCall<{ url: string }>('POST', '/api/kiosk-tokens', admin, { name: 'browser test wall' })).url;
    browser = await launch();
    // A quarter-size wall: the 1920×1080 design scaled down, as on a small screen.
    page = await browser.newPage({ viewport: { width: 960, height: 540 } });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${baseUrl}${kioskUrl}&lang=en`);
    await waitForMap(page);
  });
  afterAll(async () => { await browser?.close(); });

  it('opens from the kiosk URL without a sign-in: dark map, panels scaled from the 1920×1080 design', async () => {
    const scale = await page.evaluate(() => document.querySelector<HTMLElement>('.stage')!.getBoundingClientRect().width);
    expect(scale).toBeCloseTo(960, 0);
    await expect.poll(() => page.evaluate(() => window.__wanggeWall?.summaryAt ?? null)).not.toBeNull();
    const png = await page.screenshot();
    // #0b1220 is the dark theme's background; the tier-1 outline is #ff5470.
    const stats = await pixelStats(browser, png, { night: [0x0b, 0x12, 0x20], tier1: [0xff, 0x54, 0x70] });
    expect(stats.near.night / (stats.width * stats.height)).toBeGreaterThan(0.2);
    expect(stats.near.tier1).toBeGreaterThan(100);
    expect(stats.distinctColours).toBeGreaterThan(100);
    expect(errors).toEqual([]);
  });

  it('shows the figures from the server: open cases as a flip number, rankings, the ticker', async () => {
    const summary = await apiCall<{ kpis: { open: number }; ticker: unknown[] }>('GET', `/api/wall/summary?tz=${encodeURIComponent(await page.evaluate(() => Intl.DateTimeFormat().resolvedOptions().timeZone))}`, admin);
    expect(summary.kpis.open).toBeGreaterThan(0);
    const openText = () => page.locator('[data-testid="wall-kpis"] .kpi').nth(1).locator('.flip').textContent();
    await expect.poll(openText, { timeout: 10_000 }).toBe(String(summary.kpis.open));
    expect(await page.locator('.ranking li').count()).toBeGreaterThan(0);
    expect(await page.locator('[data-testid="wall-ticker"] .row').count()).toBeGreaterThan(0);
  });

  it('pulses where a new incident is reported, live from the event stream', async () => {
    const before = await page.evaluate(() => window.__wanggeWall!.liveEvents);
    const centre = await page.evaluate(() => window.__wangge!.map.getCenter().toArray());
    const categories = await apiCall<{ code: string; parentCode: string | null }[]>('GET', '/api/categories?flat=true', null);
    const category = categories.find((c) => c.parentCode)!.code;
    await apiCall('POST', '/api/incidents', admin, { lng: centre[0], lat: centre[1], category, description: 'wall browser test', source: 'patrol' });
    await expect.poll(() => page.evaluate(() => window.__wanggeWall!.liveEvents), { timeout: 15_000 }).toBeGreaterThan(before);
    await expect.poll(() => page.evaluate(() => window.__wanggeWall!.pulses)).toBeGreaterThan(0);
  });

  it('keeps the last figures and marks them stale when the server cannot be reached', async () => {
    const shown = await page.locator('[data-testid="wall-kpis"] .kpi').nth(1).locator('.flip').textContent();
    await page.route('**/api/wall/summary**', (route) => route.abort('connectionrefused'));
    // A live event nudges a refresh, which now fails.
    const centre = await page.evaluate(() => window.__wangge!.map.getCenter().toArray());
    const categories = await apiCall<{ code: string; parentCode: string | null }[]>('GET', '/api/categories?flat=true', null);
    await new Promise((r) => setTimeout(r, 5_500));
    await apiCall('POST', '/api/incidents', admin, { lng: centre[0], lat: centre[1], category: categories.find((c) => c.parentCode)!.code, description: 'stale test', source: 'hotline' });
    await expect.poll(() => page.locator('[data-testid="wall-stale"]').count(), { timeout: 20_000 }).toBe(1);
    expect(await page.locator('[data-testid="wall-kpis"] .kpi').nth(1).locator('.flip').textContent()).toBe(shown);
    await page.unroute('**/api/wall/summary**');
  });

  it('asks for a sign-in instead of showing an empty wall when opened without a token', async () => {
    const other = await browser.newPage();
    await other.goto(`${baseUrl}/wall?lang=en`);
    await expect.poll(() => other.locator('[data-testid="wall-signin"]').textContent()).toContain('kiosk token');
    await other.close();
  });
});
