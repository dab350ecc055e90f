import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseUrl, browserSkip, launch, pixelStats, waitForMap } from '../../test/browser.ts';

if (browserSkip) console.warn(`[browser tests skipped] ${browserSkip}`);

describe.skipIf(Boolean(browserSkip))('panorama in headless Chromium', () => {
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    browser = await launch();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${baseUrl}/?lang=en`);
    await waitForMap(page);
  });
  afterAll(async () => { await browser?.close(); });

  it('draws the demo area: a non-blank canvas with the top tier outlined', async () => {
    const png = await page.locator('[data-testid="map"]').screenshot();
    // #b3001b is tier 1's outline colour in the light theme.
    const stats = await pixelStats(browser, png, { tier1: [0xb3, 0x00, 0x1b] });
    expect(stats.nonBackground).toBeGreaterThan(0.1);
    expect(stats.distinctColours).toBeGreaterThan(50);
    expect(stats.near.tier1).toBeGreaterThan(500);
    expect(await page.locator('.toast.error').count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it('has a layer per tier, fed by the grid tiles: one commune and nine quarters', async () => {
    const info = await page.evaluate(() => {
      const map = window.__wangge!.map;
      const codes = (layer: string) => [...new Set(map.querySourceFeatures('grids', { sourceLayer: layer }).map((f) => f.properties.code as string))].sort();
      return { layers: map.getStyle().layers.map((l) => l.id), tier1: codes('tier1'), tier2: codes('tier2') };
    });
    for (const tier of [1, 2, 3]) expect(info.layers).toContain(`grids-tier${tier}-line`);
    expect(info.tier1).toEqual(['980001']);
    expect(info.tier2).toHaveLength(9);
  });

  it('names the tier in view and hands over to the quarters when zooming in', async () => {
    await expect.poll(() => page.locator('[data-testid="tier-badge"] strong').textContent()).toBe('Commune');
    await page.evaluate(() => window.__wangge!.map.jumpTo({ zoom: window.__wangge!.map.getZoom() + 1.5 }));
    await expect.poll(() => page.locator('[data-testid="tier-badge"] strong').textContent()).toBe('Quarter');
  });

  it('switches between English and Chinese', async () => {
    await page.locator('[data-testid="lang-switch"]').click();
    await expect.poll(() => page.locator('[data-testid="tier-badge"] .label').textContent()).toBe('当前层级');
    await expect.poll(() => page.locator('.maplibregl-ctrl-attrib').textContent()).toContain('OpenStreetMap');
  });
});
