import fs from 'node:fs';
import { cellToLatLng } from 'h3-js';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { apiCall, baseUrl, browserSkip, launch, pixelStats, waitForMap } from '../../../test/browser.ts';
import { heatKernel } from './heat.ts';

const state = (page: Page) => page.evaluate(() => {
  const a = window.__wanggeAnalyst;
  return a ? { url: a.url, loading: a.loading, kind: a.kind, units: a.units, lastExport: a.lastExport, requests: [...a.requests] } : null;
});

/** Waits until the view has drawn an answer of this endpoint (other than `previous`) and is not loading another. */
async function settled(page: Page, endpoint: string, previous: string | null = null): Promise<string> {
  await expect.poll(async () => {
    const s = await state(page);
    return Boolean(s && !s.loading && s.url?.startsWith(endpoint) && s.url !== previous);
  }, { timeout: 60_000 }).toBe(true);
  return (await state(page))!.url!;
}

const DAY = 86_400_000;

/** Screenshots for a human to look at (data/ is not committed). */
async function shot(page: Page, name: string): Promise<void> {
  fs.mkdirSync('data/test-browser', { recursive: true });
  await page.screenshot({ path: `data/test-browser/analyst-${name}.png` });
}

describe.skipIf(Boolean(browserSkip))('analyst view in headless Chromium', () => {
  let browser: Browser;
  let page: Page;
  let admin: string;
  const errors: string[] = [];

  beforeAll(async () => {
    admin = (await apiCall<{ token: string }>('POST', '/api/auth/login', null, { username: 'admin', password: inject('adminPassword') })).token;
    browser = await launch();
    page = await browser.newPage({ viewport: { width: 1280, height: 860 }, acceptDownloads: true });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.addInitScript((token) => {
      localStorage.setItem('wangge.session', JSON.stringify({ token, username: 'admin', roles: ['admin'] }));
    }, admin);
    await page.goto(`${baseUrl}/analyst?lang=en`);
    await waitForMap(page);
  });
  afterAll(async () => { await browser?.close(); });

  it('is in the top bar and draws the H3 counts of the latest window', async () => {
    expect(await page.locator('nav.views a[href="/analyst"]').textContent()).toBe('Analyst');
    const url = await settled(page, '/api/hotspots/h3');
    const qs = new URL(url, baseUrl).searchParams;
    expect(qs.get('res')).toBe('10');
    // The default window is the last four weeks of the data.
    expect(Date.parse(qs.get('to')!) - Date.parse(qs.get('from')!)).toBe(28 * DAY);
    const answer = await apiCall<{ total: number; cells: { cell: string; count: number }[] }>('GET', url, admin);
    expect(answer.cells.length).toBeGreaterThan(20);
    expect(await page.locator('[data-testid="analyst-total"]').textContent()).toBe(`${answer.total.toLocaleString('en')} incidents`);

    // deck.gl picks the busiest cell at its centre: the layer is drawn where the server says.
    const top = answer.cells[0];
    const [lat, lng] = cellToLatLng(top.cell);
    const picked = await page.evaluate(({ lng, lat }) => {
      const w = window.__wangge!;
      const p = w.map.project([lng, lat]);
      const o = w.overlay!.pickObject({ x: p.x, y: p.y, radius: 0, layerIds: ['analyst-h3'] })?.object as { cell: string; count: number } | undefined;
      return o ?? null;
    }, { lng, lat });
    expect(picked?.cell).toBe(top.cell);
    expect(picked?.count).toBe(top.count);

    // And in pixels: the ramp's darkest red (#bd0026) and palest yellow are on screen.
    const png = await page.locator('[data-testid="map"]').screenshot();
    const stats = await pixelStats(browser, png, { darkest: [0xbd, 0x00, 0x26], palest: [0xff, 0xff, 0xb2] });
    expect(stats.near.darkest).toBeGreaterThan(30);
    await shot(page, 'h3');
    expect(stats.near.palest).toBeGreaterThan(30);
    expect(errors).toEqual([]);
  });

  it('switches to Gi*: the legend explains the seven classes and counts them as the server does', async () => {
    await page.locator('input[name="analyst-kind"][value="gi"]').check();
    const url = await settled(page, '/api/hotspots/gi');
    const gi = await apiCall<{ features: { gi_class: number }[]; summary: { hot: number; cold: number } }>('GET', url, admin);
    const labels = await page.locator('[data-testid="analyst-legend"] li .label').allTextContents();
    expect(labels).toEqual([
      'Hot spot – 99% confidence', 'Hot spot – 95% confidence', 'Hot spot – 90% confidence', 'Not significant',
      'Cold spot – 90% confidence', 'Cold spot – 95% confidence', 'Cold spot – 99% confidence',
    ]);
    const counts = (await page.locator('[data-testid="analyst-legend"] li b').allTextContents()).map(Number);
    const expected = [3, 2, 1, 0, -1, -2, -3].map((c) => gi.features.filter((f) => f.gi_class === c).length);
    expect(counts).toEqual(expected);
    expect(gi.summary.hot).toBeGreaterThan(0);
    expect(await page.locator('[data-testid="analyst-legend"] .note').textContent()).toContain('false discovery rate');
    // The hottest class present is drawn in its colour.
    const hottest = [3, 2, 1].find((c) => gi.features.some((f) => f.gi_class === c))!;
    const colour = ({ 3: [178, 24, 43], 2: [239, 138, 98], 1: [253, 219, 199] } as Record<number, [number, number, number]>)[hottest];
    const stats = await pixelStats(browser, await page.locator('[data-testid="map"]').screenshot(), { hot: colour });
    expect(stats.near.hot).toBeGreaterThan(30);

    // In Chinese too.
    await page.locator('[data-testid="lang-switch"]').click();
    await expect.poll(() => page.locator('[data-testid="analyst-legend"] li .label').first().textContent()).toBe('热点 · 99% 置信度');
    await shot(page, 'gi-zh');
    await page.locator('[data-testid="lang-switch"]').click();
    await expect.poll(() => page.locator('[data-testid="analyst-legend"] li .label').first().textContent()).toBe('Hot spot – 99% confidence');
  });

  it('shows why the server refuses: nine quarters are too few features for Gi*', async () => {
    const weeks = await page.locator('[data-testid="analyst-chart"] .bar').evaluateAll((els) => els.map((e) => e.getAttribute('data-step')));
    expect(weeks.length).toBeGreaterThanOrEqual(10);
    await page.locator('[data-testid="analyst-unit"]').selectOption('tier:2');
    await expect.poll(() => page.locator('[data-testid="analyst-warnings"] li.error').getAttribute('data-code'), { timeout: 30_000 }).toBe('too_few_features');
    expect(await page.locator('[data-testid="analyst-warnings"] li.error').textContent()).toContain('at least 30 units');
    // The chart's emerging cube is refused too (nine units): it falls back to H3 totals per week, same bars.
    await expect.poll(async () => (await state(page))!.requests.some((r) => r.startsWith('/api/hotspots/h3?res=7&from=')), { timeout: 30_000 }).toBe(true);
    await expect.poll(() => page.locator('[data-testid="analyst-chart"] .bar').count(), { timeout: 30_000 }).toBe(weeks.length);
    const fallback = await page.locator('[data-testid="analyst-chart"] .bar').evaluateAll((els) => els.map((e) => e.getAttribute('data-step')));
    expect(fallback).toEqual(weeks);
    await page.locator('[data-testid="analyst-unit"]').selectOption('h3');
    await settled(page, '/api/hotspots/gi');
    expect(await page.locator('[data-testid="analyst-warnings"] li.error').count()).toBe(0);
  });

  it('moves the window with the slider and the chart, and plays it', async () => {
    await page.locator('input[name="analyst-kind"][value="h3"]').check();
    const beforeUrl = await settled(page, '/api/hotspots/h3');
    const before = new URL(beforeUrl, baseUrl).searchParams;
    const slider = page.locator('[data-testid="analyst-slider"]');
    await slider.focus();
    await page.keyboard.press('ArrowLeft');
    const afterUrl = await settled(page, '/api/hotspots/h3', beforeUrl);
    const after = new URL(afterUrl, baseUrl).searchParams;
    expect(Date.parse(before.get('from')!) - Date.parse(after.get('from')!)).toBe(7 * DAY);
    expect(Date.parse(before.get('to')!) - Date.parse(after.get('to')!)).toBe(7 * DAY);
    const requests = (await state(page))!.requests;
    expect(requests).toContain(`/api/hotspots/h3?res=10&from=${after.get('from')}&to=${after.get('to')}`);

    // The chart: one bar per week of the data, the window's four dark, their sum the map's total.
    const bars = page.locator('[data-testid="analyst-chart"] .bar');
    const n = await bars.count();
    expect(n).toBeGreaterThanOrEqual(10);
    const inWindow = await page.locator('[data-testid="analyst-chart"] .bar.in').evaluateAll((els) => els.map((e) => e.getAttribute('data-step')));
    expect(inWindow).toHaveLength(4);
    expect(inWindow[0]).toBe(after.get('from'));
    const sum = await page.locator('[data-testid="analyst-chart"] .bar.in title').evaluateAll((els) => els.reduce((s, e) => s + Number(e.textContent!.split(': ')[1].replace(/,/g, '')), 0));
    const windowAnswer = await apiCall<{ total: number }>('GET', `/api/hotspots/h3?res=10&from=${after.get('from')}&to=${after.get('to')}`, admin);
    expect(sum).toBe(windowAnswer.total);

    // A click on the first bar moves the window to the start of the data.
    await bars.first().locator('.hit').click();
    const first = new URL(await settled(page, `/api/hotspots/h3?res=10&from=${await bars.first().getAttribute('data-step')}`, afterUrl), baseUrl).searchParams;
    expect(first.get('from')).toBe(await bars.first().getAttribute('data-step'));

    // Playback steps on by itself.
    await page.locator('[data-testid="analyst-play"]').click();
    await expect.poll(async () => new URL((await state(page))!.url!, baseUrl).searchParams.get('from'), { timeout: 30_000 }).not.toBe(first.get('from'));
    await page.locator('[data-testid="analyst-play"]').click();
    expect(await page.locator('[data-testid="analyst-play"]').getAttribute('aria-pressed')).toBe('false');
  });

  it('draws a kernel heatmap from the same H3 counts, without another request', async () => {
    const url = await settled(page, '/api/hotspots/h3');
    const sent = (await state(page))!.requests.length;
    await page.locator('input[name="analyst-kind"][value="heatmap"]').check();
    await expect.poll(async () => (await state(page))!.kind).toBe('heatmap');
    expect((await state(page))!.url).toBe(url);
    expect((await state(page))!.requests.length).toBe(sent);
    expect(await page.locator('[data-testid="analyst-legend"] h3').textContent()).toContain('Kernel density');
    // The heatmap's hottest colours (#f03b20, #bd0026) appear; the H3 layer is gone.
    await page.waitForTimeout(500);
    const stats = await pixelStats(browser, await page.locator('[data-testid="map"]').screenshot(), { orange: [0xfd, 0x8d, 0x3c], red: [0xf0, 0x3b, 0x20] });
    expect(stats.near.orange + stats.near.red).toBeGreaterThan(200);
    const h3Layers = await page.evaluate(() => (window.__wangge!.overlay as unknown as { _props?: { layers?: { id: string }[] } })._props?.layers?.map((l) => l.id) ?? null);
    if (h3Layers) expect(h3Layers).not.toContain('analyst-h3');
    // The kernel follows the zoom: σ stays half the spacing of the cell centres on the ground (about 65 m at res 10), so the
    // lattice blends into one surface instead of a dot per cell (a fixed 40 px radius drew dots), and the legend says σ.
    const heatRadius = () => page.evaluate(() => ((window.__wangge!.overlay as unknown as { _props?: { layers?: { id: string; props: { radiusPixels?: number } }[] } })
      ._props?.layers?.find((l) => l.id === 'analyst-heatmap')?.props.radiusPixels) ?? null);
    const before = await page.evaluate(() => window.__wangge!.map.getZoom());
    for (const zoom of [13, 13.5]) {
      await page.evaluate((z) => window.__wangge!.map.jumpTo({ zoom: z }), zoom);
      const kernel = heatKernel(Number(new URL(url, baseUrl).searchParams.get('res')), zoom, await page.evaluate(() => window.__wangge!.map.getCenter().lat));
      expect(kernel.radiusPixels).toBeGreaterThan(40);
      await expect.poll(heatRadius).toBe(kernel.radiusPixels);
      await expect.poll(() => page.locator('[data-testid="analyst-legend"] .note').textContent()).toContain(`σ ≈ ${Math.round(kernel.sigmaMetres)} m`);
    }
    await page.evaluate((z) => window.__wangge!.map.jumpTo({ zoom: z }), before);
  });

  it('shows emerging hot spot categories over the whole period, weekly, and says when months are too few', async () => {
    await page.locator('[data-testid="analyst-step"]').selectOption('week');
    await page.locator('input[name="analyst-kind"][value="emerging"]').check();
    const url = await settled(page, '/api/hotspots/emerging');
    const qs = new URL(url, baseUrl).searchParams;
    expect(qs.get('from')).toBeNull();
    expect(qs.get('step')).toBe('week');
    const em = await apiCall<{ steps: string[]; categories: Record<string, number>; features: { counts: number[] }[] }>('GET', url, admin);
    const present = Object.entries(em.categories).filter(([c, n]) => n > 0 || c === 'no_pattern');
    expect(await page.locator('[data-testid="analyst-legend"] li').count()).toBe(present.length);
    expect(await page.locator('[data-testid="analyst-legend"] h3').textContent()).toBe('Emerging hot spot categories');
    expect(await page.locator('[data-testid="analyst-slider"]').isDisabled()).toBe(true);
    // "Whole period" says what is shown: ticked, and not to be unticked here.
    expect(await page.locator('[data-testid="analyst-whole"]').isChecked()).toBe(true);
    expect(await page.locator('[data-testid="analyst-whole"]').isDisabled()).toBe(true);
    await shot(page, 'emerging');
    // The chart is the cube's sum per week.
    const bars = await page.locator('[data-testid="analyst-chart"] .bar').evaluateAll((els) => els.map((e) => e.getAttribute('data-step')));
    expect(bars).toEqual(em.steps);
    await page.locator('[data-testid="analyst-step"]').selectOption('month');
    await expect.poll(() => page.locator('[data-testid="analyst-warnings"]').textContent(), { timeout: 30_000 }).toMatch(/time steps/);
    await page.locator('[data-testid="analyst-step"]').selectOption('week');
    await page.locator('[data-testid="analyst-width"]').selectOption('4');
  });

  it('filters by category (two levels) and by grid, and says when a grid code is unknown', async () => {
    await page.locator('input[name="analyst-kind"][value="h3"]').check();
    const start = await settled(page, '/api/hotspots/h3');
    const cats = await apiCall<{ code: string; children: { code: string }[] }[]>('GET', '/api/categories', null);
    const major = cats.find((c) => c.children.length > 0)!;
    await page.locator('[data-testid="analyst-major"]').selectOption(major.code);
    const byMajor = await settled(page, '/api/hotspots/h3', start);
    expect(new URL(byMajor, baseUrl).searchParams.get('category')).toBe(major.code);
    await page.locator('[data-testid="analyst-minor"]').selectOption(major.children[0].code);
    const byMinor = await settled(page, '/api/hotspots/h3', byMajor);
    expect(new URL(byMinor, baseUrl).searchParams.get('category')).toBe(major.children[0].code);
    const answer = await apiCall<{ total: number }>('GET', byMinor, admin);
    await expect.poll(() => page.locator('[data-testid="analyst-total"]').textContent()).toBe(`${answer.total.toLocaleString('en')} incidents`);
    await page.locator('[data-testid="analyst-major"]').selectOption('');

    await page.locator('[data-testid="analyst-grid"]').fill('980001001');
    await page.locator('[data-testid="analyst-grid"]').press('Enter');
    const byGrid = await settled(page, '/api/hotspots/h3', null);
    await expect.poll(async () => new URL((await state(page))!.url!, baseUrl).searchParams.get('grid')).toBe('980001001');
    const inGrid = await apiCall<{ total: number }>('GET', (await state(page))!.url!, admin);
    const all = await apiCall<{ total: number }>('GET', byGrid.replace(/&grid=[^&]*/, ''), admin);
    expect(inGrid.total).toBeLessThan(all.total);

    await page.locator('[data-testid="analyst-grid"]').fill('nope');
    await page.locator('[data-testid="analyst-grid"]').press('Enter');
    await expect.poll(() => page.locator('[data-testid="analyst-warnings"] li.error').first().getAttribute('data-code'), { timeout: 30_000 }).toBe('grid_not_found');
    await page.locator('[data-testid="analyst-grid"]').fill('');
    await page.locator('[data-testid="analyst-grid"]').press('Enter');
    await expect.poll(async () => new URL((await state(page))!.url ?? '/x', baseUrl).searchParams.get('grid'), { timeout: 30_000 }).toBeNull();
  });

  it('runs Gi* on the analyst\'s own GeoJSON (POST /api/hotspots/gi) and draws it in the same classes', async () => {
    // A 7 × 7 lattice of points over Monaco with a planted high corner.
    const features = [];
    for (let i = 0; i < 7; i++) {
      for (let j = 0; j < 7; j++) {
        features.push({ type: 'Feature', properties: { name: `p${i}${j}`, value: i < 3 && j < 3 ? 20 + i + j : (i * 7 + j) % 3 }, geometry: { type: 'Point', coordinates: [7.418 + i * 0.0012, 43.731 + j * 0.0012] } });
      }
    }
    const fc = { type: 'FeatureCollection', features };
    await page.locator('[data-testid="analyst-own"] summary').click();
    await page.locator('[data-testid="analyst-own-file"]').setInputFiles({ name: 'lattice.geojson', mimeType: 'application/geo+json', buffer: Buffer.from(JSON.stringify(fc)) });
    await expect.poll(() => page.locator('[data-testid="analyst-own-field"] option').allTextContents()).toEqual(['value']);
    await page.locator('[data-testid="analyst-own-run"]').click();
    await expect.poll(async () => (await state(page))!.kind, { timeout: 30_000 }).toBe('own');
    const answer = await apiCall<{ features: { properties: { gi_class: number } }[]; summary: { hot: number } }>('POST', '/api/hotspots/gi', admin,
      { crs: 'EPSG:4326', field: 'value', neighbours: { type: 'knn', k: 8 }, permutations: 0, features: fc });
    expect(answer.summary.hot).toBeGreaterThan(0);
    const expected = [3, 2, 1, 0, -1, -2, -3].map((c) => answer.features.filter((f) => f.properties.gi_class === c).length);
    await expect.poll(async () => (await page.locator('[data-testid="analyst-legend"] li b').allTextContents()).map(Number)).toEqual(expected);
    expect(await page.locator('[data-testid="analyst-legend"] h3').textContent()).toBe('Your data: Gi*');
    // The planted corner is drawn hot: pick the corner point.
    const hotIndex = answer.features.findIndex((f) => f.properties.gi_class > 0);
    const [lng, lat] = features[hotIndex].geometry.coordinates;
    await page.waitForTimeout(2500);
    const picked = await page.evaluate(({ lng, lat }) => {
      const w = window.__wangge!;
      const p = w.map.project([lng, lat]);
      return (w.overlay!.pickObject({ x: p.x, y: p.y, radius: 2, layerIds: ['analyst-own'] })?.object as { properties: { gi_class: number; name: string } } | undefined)?.properties ?? null;
    }, { lng, lat });
    expect(picked?.name).toBe(features[hotIndex].properties.name);
    expect(picked?.gi_class).toBe(answer.features[hotIndex].properties.gi_class);
    await shot(page, 'own');
    // The result downloads as GeoJSON with the Gi* fields.
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid="analyst-own-download"]').click()]);
    const result = JSON.parse(fs.readFileSync((await download.path())!, 'utf8')) as { features: { properties: { gi_z: number; name: string } }[] };
    expect(result.features).toHaveLength(49);
    expect(result.features[0].properties.name).toBe('p00');
    expect(typeof result.features[0].properties.gi_z).toBe('number');
  });

  it('exports the map with legend and attribution as a PNG', async () => {
    await page.locator('input[name="analyst-kind"][value="gi"]').check();
    await settled(page, '/api/hotspots/gi');
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid="analyst-export"]').click()]);
    expect(download.suggestedFilename()).toMatch(/^wangge-gi-\d{4}-\d{2}-\d{2}\.png$/);
    const file = fs.readFileSync((await download.path())!);
    // PNG signature, then IHDR with the map canvas's size (device pixels).
    expect([...file.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const canvas = await page.evaluate(() => { const c = window.__wangge!.map.getCanvas(); return { w: c.width, h: c.height }; });
    expect([file.readUInt32BE(16), file.readUInt32BE(20)]).toEqual([canvas.w, canvas.h]);
    expect(file.length).toBeGreaterThan(50_000);
    expect((await state(page))!.lastExport!.bytes).toBe(file.length);
    // It decodes, and holds the drawn map (the Gi* red), the legend's white panel and many colours.
    const stats = await pixelStats(browser, file, { hot: [178, 24, 43], white: [255, 255, 255] });
    expect(stats.width).toBe(canvas.w);
    expect(stats.distinctColours).toBeGreaterThan(500);
    expect(stats.near.hot).toBeGreaterThan(30);
    expect(stats.near.white).toBeGreaterThan(5_000);
    fs.mkdirSync('data/test-browser', { recursive: true });
    fs.writeFileSync('data/test-browser/analyst-export.png', file);
    expect(errors).toEqual([]);
  });
});
