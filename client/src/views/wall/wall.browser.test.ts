import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { apiCall, artifactPath, baseUrl, browserSkip, launch, pixelStats, waitForMap } from '../../../test/browser.ts';

/** The figures follow the map's first paint (they wait for it on purpose), so give them time. */
const FIGURES_MS = 20_000;
const deckLayerIds = (page: Page) => page.evaluate(() => (window.__wangge!.overlay as unknown as { _props: { layers: { id: string }[] } })._props.layers.map((l) => l.id));
const incidentVisibility = (page: Page) => page.evaluate(() => window.__wangge!.map.getLayoutProperty('incidents-bins', 'visibility') ?? 'visible');

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
    await expect.poll(() => page.evaluate(() => window.__wanggeWall?.summaryAt ?? null), { timeout: FIGURES_MS }).not.toBeNull();
    const png = await page.screenshot({ path: artifactPath('wall-960x540.png') });
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
    // The bar: on the wall within 5 s.
    await expect.poll(() => page.evaluate(() => window.__wanggeWall!.liveEvents), { timeout: 5_000 }).toBeGreaterThan(before);
    await expect.poll(() => page.evaluate(() => window.__wanggeWall!.pulses)).toBeGreaterThan(0);
  });

  it('keeps the last figures and marks them stale when the server cannot be reached', async () => {
    await page.route('**/api/wall/summary**', (route) => route.abort('connectionrefused'));
    // What is on screen once any refresh already under way has landed and its flip has settled.
    await new Promise((r) => setTimeout(r, 2_000));
    const shown = await page.locator('[data-testid="wall-kpis"] .kpi').nth(1).locator('.flip').textContent();
    // A live event nudges a refresh, which now fails.
    const centre = await page.evaluate(() => window.__wangge!.map.getCenter().toArray());
    const categories = await apiCall<{ code: string; parentCode: string | null }[]>('GET', '/api/categories?flat=true', null);
    await new Promise((r) => setTimeout(r, 3_500));
    await apiCall('POST', '/api/incidents', admin, { lng: centre[0], lat: centre[1], category: categories.find((c) => c.parentCode)!.code, description: 'stale test', source: 'hotline' });
    await expect.poll(() => page.locator('[data-testid="wall-stale"]').count(), { timeout: 20_000 }).toBe(1);
    expect(await page.locator('[data-testid="wall-kpis"] .kpi').nth(1).locator('.flip').textContent()).toBe(shown);
    await page.unroute('**/api/wall/summary**');
  });

  it('survives a server restart: keeps its figures on screen, reconnects, and gets live events again', async () => {
    await expect.poll(() => page.locator('.wall-title .live.on').count(), { timeout: 10_000 }).toBe(1);
    const restart = await fetch(`${inject('browserControlUrl')}/restart`, { method: 'POST' });
    expect(restart.status).toBe(204);
    // The figures never left the screen.
    expect(Number(await page.locator('[data-testid="wall-kpis"] .kpi').nth(1).locator('.flip').textContent())).toBeGreaterThan(0);
    await expect.poll(() => page.locator('.wall-title .live.on').count(), { timeout: 20_000 }).toBe(1);
    admin = (await apiCall<{ token: string }>('POST', '/api/auth/login', null, { username: 'admin', password: inject('adminPassword') })).token;
    const before = await page.evaluate(() => window.__wanggeWall!.liveEvents);
    const centre = await page.evaluate(() => window.__wangge!.map.getCenter().toArray());
    const categories = await apiCall<{ code: string; parentCode: string | null }[]>('GET', '/api/categories?flat=true', null);
    await apiCall('POST', '/api/incidents', admin, { lng: centre[0], lat: centre[1], category: categories.find((c) => c.parentCode)!.code, description: 'after restart', source: 'app' });
    await expect.poll(() => page.evaluate(() => window.__wanggeWall!.liveEvents), { timeout: 5_000 }).toBeGreaterThan(before);
    const stats = await pixelStats(browser, await page.screenshot({ path: artifactPath('wall-after-restart.png') }), { night: [0x0b, 0x12, 0x20] });
    expect(stats.distinctColours).toBeGreaterThan(100);
  });

  for (const [width, height] of [[1920, 1080], [3840, 2160]] as const) {
    it(`lays out at ${width}×${height}: panels inside the screen, apart, scaled from the design`, { timeout: 240_000 }, async () => {
      const big = await browser.newPage({ viewport: { width, height } });
      try {
        await big.goto(`${baseUrl}${kioskUrl}&lang=zh-CN`);
        await waitForMap(big);
        await expect.poll(() => big.evaluate(() => window.__wanggeWall?.summaryAt ?? null), { timeout: FIGURES_MS }).not.toBeNull();
        const boxes = await big.evaluate(() => ['.wall-title', '.col.left', '.col.right', '.kpis', '.chart', '.ticker', '.emerging']
          .map((sel) => { const r = document.querySelector(sel)!.getBoundingClientRect(); return { sel, x: r.x, y: r.y, w: r.width, h: r.height }; }));
        for (const b of boxes) {
          expect(b.x, b.sel).toBeGreaterThanOrEqual(0);
          expect(b.y, b.sel).toBeGreaterThanOrEqual(0);
          expect(b.x + b.w, b.sel).toBeLessThanOrEqual(width + 0.5);
          expect(b.y + b.h, b.sel).toBeLessThanOrEqual(height + 0.5);
        }
        const [left, right] = [boxes[1], boxes[2]];
        expect(left.x + left.w).toBeLessThan(right.x);
        // The 440-px design columns scale with the screen.
        expect(left.w / width).toBeCloseTo(440 / 1920, 2);
        const png = await big.screenshot({ path: artifactPath(`wall-${width}x${height}.png`) });
        const stats = await pixelStats(browser, png, { tier1: [0xff, 0x54, 0x70] });
        expect(stats.near.tier1).toBeGreaterThan(100 * (width / 1920) ** 2);
        expect(errors).toEqual([]);
      } finally {
        await big.close();
      }
    });
  }

  // Runs after the other views' files have added jurisdictions: the wall's analyses must find
  // the area's jurisdiction by themselves (they answered 400 jurisdiction_required before).
  it('shows the Gi* hot spots of the last 30 days with their legend, incident tiles hidden', { timeout: 120_000 }, async () => {
    const other = await browser.newPage({ viewport: { width: 960, height: 540 } });
    other.on('pageerror', (e) => errors.push(e.message));
    try {
      // The demo commune as the area: other test files add jurisdictions to this server, and
      // the whole tileset's bounds would size the hexagons for all of them.
      const answers: string[] = [];
      other.on('response', (r) => { if (r.url().includes('/api/hotspots/gi')) answers.push(`${r.status()} ${new URL(r.url()).search}`); });
      await other.goto(`${baseUrl}${kioskUrl}&lang=en&views=hotspots&area=980001`);
      await waitForMap(other);
      try {
        await expect.poll(() => deckLayerIds(other), { timeout: 90_000 }).toContain('analyst-gi');
      } finally {
        console.log(`Gi* answers the wall got: ${answers.join('; ') || 'none'}`);
      }
      expect(await incidentVisibility(other)).toBe('none');
      // The legend's six classes, with counts that add up to the significant cells drawn.
      await expect.poll(() => other.locator('[data-testid="wall-legend"] li').count()).toBe(6);
      const counts = (await other.locator('[data-testid="wall-legend"] li b').allTextContents()).map(Number);
      const significant = await other.evaluate(() => window.__wanggeWall!.viewCells);
      expect(counts.reduce((a, b) => a + b, 0)).toBe(significant);
      expect(significant).toBeGreaterThan(0);
      await other.screenshot({ path: artifactPath('wall-view-hotspots.png') });
      expect(errors).toEqual([]);
    } finally {
      await other.close();
    }
  });

  it('turns between views on a timer by itself: incident lights, then the heatmap, then the lights again', { timeout: 120_000 }, async () => {
    const other = await browser.newPage({ viewport: { width: 960, height: 540 } });
    other.on('pageerror', (e) => errors.push(e.message));
    const viewName = () => other.locator('[data-testid="wall-view"]').textContent();
    try {
      await other.goto(`${baseUrl}${kioskUrl}&lang=en&views=lights,heat&rotate=10`);
      await waitForMap(other);
      await expect.poll(viewName, { timeout: 20_000 }).toContain('heatmap');
      await expect.poll(() => incidentVisibility(other)).toBe('none');
      await expect.poll(viewName, { timeout: 20_000 }).toContain('Incident lights');
      await expect.poll(() => incidentVisibility(other)).toBe('visible');
      expect(await deckLayerIds(other)).not.toContain('analyst-heatmap');
      expect(await other.locator('[data-testid="wall-legend"]').count()).toBe(0);
      expect(errors).toEqual([]);
    } finally {
      await other.close();
    }
  });

  it('refuses a revoked kiosk token with a clear message', async () => {
    const created = await apiCall<{ id: string; url: string }>('POST', '/api/kiosk-tokens', admin, { name: 'to revoke' });
    const res = await fetch(`${baseUrl}/api/kiosk-tokens/${created.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${admin}` } });
    expect(res.status).toBe(204);
    const other = await browser.newPage();
    try {
      await other.goto(`${baseUrl}${created.url}&lang=en`);
      await expect.poll(() => other.locator('[data-testid="wall-denied"]').textContent(), { timeout: 20_000 }).toContain('revoked');
    } finally {
      await other.close();
    }
  });

  it('gets its JavaScript compressed (brotli or gzip files written at build time)', async () => {
    const html = await (await fetch(`${baseUrl}/wall`)).text();
    const script = /<script type="module"[^>]*src="([^"]+)"/.exec(html)![1];
    for (const encoding of ['br', 'gzip']) {
      const res = await fetch(`${baseUrl}${script}`, { headers: { 'accept-encoding': encoding } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-encoding')).toBe(encoding);
      expect(res.headers.get('cache-control')).toContain('immutable');
    }
  });

  it('asks for a sign-in instead of showing an empty wall when opened without a token', async () => {
    const other = await browser.newPage();
    await other.goto(`${baseUrl}/wall?lang=en`);
    await expect.poll(() => other.locator('[data-testid="wall-signin"]').textContent()).toContain('kiosk token');
    await other.close();
  });
});
