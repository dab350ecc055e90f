import fs from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { apiCall, baseUrl, browserSkip, launch, pixelStats, waitForMap } from '../../../test/browser.ts';
import { FILL_OPACITY } from './classes.ts';

type Box = [number, number, number, number];
const square = ([w, s, e, n]: Box) => ({ type: 'Polygon', coordinates: [[[w, s], [e, s], [e, n], [w, n], [w, s]]] });
const hex = (c: string): [number, number, number] => [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16)) as [number, number, number];
/** A class colour as drawn over the light basemap's background at the choropleth's opacity. */
const blended = (c: string): [number, number, number] => {
  const bg = hex('#f3f1ec');
  return hex(c).map((v, i) => Math.round(v * FILL_OPACITY + bg[i] * (1 - FILL_OPACITY))) as [number, number, number];
};

/*
 * A small jurisdiction of the test's own, in the sea off Monaco inside the demo's extent (so the
 * tiles' bounds and the other views' maps do not change): parent A with two children, then A
 * redrawn larger, which leaves a gap (an error) beside its children; the children hold no
 * households, outside the band (warnings). Parent B gets its children through the UI's import.
 */
const A0: Box = [7.4300, 43.7255, 7.4330, 43.7280];
const A1: Box = [7.4300, 43.7255, 7.4336, 43.7280];
const B: Box = [7.4345, 43.7255, 7.4375, 43.7280];
const tag = Date.now().toString(36).slice(-5).toUpperCase();
const codeA = `T${tag}A`;
const codeB = `T${tag}B`;

describe.skipIf(Boolean(browserSkip))('grids view in headless Chromium', () => {
  let browser: Browser;
  let page: Page;
  let admin: string;
  let jid: number;
  const errors: string[] = [];

  beforeAll(async () => {
    admin = (await apiCall<{ token: string }>('POST', '/api/auth/login', null, { username: 'admin', password: inject('adminPassword') })).token;
    const me = await apiCall<{ username: string; roles: string[] }>('GET', '/api/auth/me', admin);
    // The test's area must be outside every demo grid.
    const probe = await apiCall<{ results: unknown[] }>('POST', '/api/locate', null, { points: [A1, B].flatMap(([w, s, e, n]) => [{ lng: w, lat: s }, { lng: e, lat: n }, { lng: (w + e) / 2, lat: (s + n) / 2 }, { lng: w, lat: n }, { lng: e, lat: s }]) });
    expect(probe.results.every((r) => r === null)).toBe(true);
    jid = (await apiCall<{ id: number }>('POST', '/api/jurisdictions', admin, {
      name: `网格测试 ${tag}`, nameEn: `Grids test ${tag}`, householdsMin: 100, householdsMax: 300,
      tiers: [{ name: '社区', nameEn: 'Community' }, { name: '网格', nameEn: 'Unit grid' }],
    })).id;
    const publish = (parentCode: string | null, grids: object[], replaceChildren = true) =>
      apiCall('POST', '/api/grids/publish', admin, { jurisdictionId: jid, parentCode, grids, replaceChildren, acceptWarnings: true });
    await publish(null, [{ code: codeA, name: '测试社区A', nameEn: 'Test A', geom: square(A0) }]);
    const mid = (A0[0] + A0[2]) / 2;
    await publish(codeA, [
      { code: `${codeA}001`, name: 'A 西', nameEn: 'A west', geom: square([A0[0], A0[1], mid, A0[3]]) },
      { code: `${codeA}002`, name: 'A 东', nameEn: 'A east', geom: square([mid, A0[1], A0[2], A0[3]]) },
    ]);
    await publish(null, [{ code: codeA, name: '测试社区A', nameEn: 'Test A', geom: square(A1) }]);
    await publish(null, [{ code: codeB, name: '测试社区B', nameEn: 'Test B', geom: square(B) }], false);

    browser = await launch();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
    page.on('pageerror', (e) => errors.push(`${e.message} ${e.stack ?? ''}`.slice(0, 600)));
    await page.goto(`${baseUrl}/?lang=en`);
    await page.evaluate((s) => localStorage.setItem('wangge.session', JSON.stringify(s)), { token: admin, username: me.username, roles: me.roles });
    await page.goto(`${baseUrl}/grids?lang=en`);
    await waitForMap(page);
  });
  afterAll(async () => { await browser?.close(); });

  const mapShot = async () => {
    // Wait for the map to settle after whatever changed, then photograph the map alone.
    await page.waitForFunction(() => window.__wangge!.map.loaded() && !window.__wangge!.map.isMoving(), null, { timeout: 30_000 });
    await page.waitForTimeout(400);
    return page.locator('.grids-map').screenshot();
  };

  it('is in the top bar and draws the deepest tier as a choropleth of households with a quantile legend', async () => {
    await expect.poll(() => page.locator('nav.views a[href="/grids"]').getAttribute('class')).toBe('active');
    const units = await apiCall<{ features: { properties: { code: string; households: number } }[] }>('GET', '/api/grids?jurisdiction=1&tier=3&simplify=0.01', null);
    await expect.poll(() => page.evaluate(() => window.__wanggeGrids?.coloured ?? 0), { timeout: 30_000 }).toBe(units.features.length);
    const classes = page.locator('[data-testid="legend-class"]');
    await expect.poll(() => classes.count()).toBe(5);
    // The legend's counts add up to the tier's grids.
    const counts = await page.locator('[data-testid="legend-class"] .n').allTextContents();
    expect(counts.map((c) => Number(c.replace(/\D/g, ''))).reduce((a, b) => a + b, 0)).toBe(units.features.length);
    const colours = await page.locator('[data-testid="legend-class"] .swatch').evaluateAll((els) => els.map((e) => e.getAttribute('data-colour')!));
    const png = await mapShot();
    const stats = await pixelStats(browser, png, Object.fromEntries(colours.map((c) => [c, blended(c)])));
    // Each class (but the lightest, closest to the basemap) covers a visible share of the map.
    for (const c of colours.slice(1)) expect(stats.near[c], `class ${c}`).toBeGreaterThan(500);
    expect(stats.distinctColours).toBeGreaterThan(50);
    expect(errors).toEqual([]);
  });

  it('recolours by density and by open incidents per 100 households (from the tiles)', async () => {
    const before = await page.locator('[data-testid="legend-class"] .range').allTextContents();
    await page.check('[data-testid="grids-figure"] input[value="density"]');
    await expect.poll(() => page.locator('[data-testid="grids-legend"] strong').textContent()).toContain('Density');
    await expect.poll(() => page.locator('[data-testid="legend-class"] .range').allTextContents()).not.toEqual(before);
    await page.check('[data-testid="grids-figure"] input[value="open100"]');
    await expect.poll(() => page.evaluate(() => window.__wanggeGrids!.figure)).toBe('open100');
    await expect.poll(() => page.evaluate(() => window.__wanggeGrids!.coloured), { timeout: 20_000 }).toBeGreaterThan(100);
    expect(await page.evaluate(() => window.__wanggeGrids!.classes)).toBeGreaterThan(1);
    await page.check('[data-testid="grids-figure"] input[value="households"]');
  });

  it('opens the grid card of a clicked grid with its chain, staff and figures from the API', async () => {
    const hit = await page.evaluate(() => {
      const map = window.__wangge!.map;
      const { clientWidth: w, clientHeight: h } = map.getCanvas();
      for (let y = h * 0.3; y < h * 0.7; y += 17) {
        for (let x = w * 0.3; x < w * 0.7; x += 17) {
          const f = map.queryRenderedFeatures([x, y], { layers: ['grids-choropleth-fill'] })[0];
          if (f) return { x, y, code: f.properties!.code as string };
        }
      }
      return null;
    });
    expect(hit).not.toBeNull();
    const box = (await page.locator('.grids-map canvas').first().boundingBox())!;
    await page.mouse.click(box.x + hit!.x, box.y + hit!.y);
    const grid = await apiCall<{ code: string; households: number; chain: { code: string }[]; staff: { name: string }[]; incidents: { open: number } }>('GET', `/api/grids/${hit!.code}?jurisdiction=1`, admin);
    const card = page.locator('[data-testid="grids-card"]');
    await expect.poll(() => card.locator('.tier').textContent()).toContain(hit!.code);
    expect(await card.locator('.chain li').count()).toBe(grid.chain.length);
    expect((await card.locator('[data-testid="card-households"]').textContent())!.replace(/\D/g, '')).toBe(String(grid.households));
    expect((await card.locator('[data-testid="card-open"]').textContent())!.replace(/\D/g, '')).toBe(String(grid.incidents.open));
    for (const s of grid.staff) expect(await card.textContent()).toContain(s.name);
  });

  it('runs the topology check of a demo quarter and lists its findings by kind, as the API reports them', async () => {
    const parent = '980001001';
    const api = await apiCall<{ errors: unknown[]; warnings: { kind: string }[]; slivers: unknown[] }>('GET', `/api/grids/validate?parent=${parent}`, admin);
    await page.click('[data-testid="tab-topology"]');
    await page.selectOption('[data-testid="topology-parent"]', parent);
    await page.click('[data-testid="topology-run"]');
    await page.waitForSelector('[data-testid="topology-summary"]');
    expect(Number(await page.textContent('[data-testid="count-band"]'))).toBe(api.warnings.filter((w) => w.kind === 'households_out_of_band').length);
    expect(Number(await page.textContent('[data-testid="count-slivers"]'))).toBe(api.slivers.length);
    expect(await page.locator('[data-testid="finding"]').count()).toBe(api.errors.length + api.warnings.length + api.slivers.length);
    // Every kind has its group, found or not.
    expect(await page.locator('[data-testid="topology-findings"] section').evaluateAll((els) => els.map((e) => e.getAttribute('data-kind'))))
      .toEqual(['invalid', 'overlap', 'gap', 'outside', 'codes', 'empty', 'band', 'slivers']);
  });

  it('finds the gap under a redrawn parent, flies to it and draws it in the warning colour', async () => {
    await page.selectOption('[data-testid="grids-jurisdiction"]', String(jid));
    await page.waitForSelector(`[data-testid="topology-parent"] option[value="${codeA}"]`, { state: 'attached' });
    await page.selectOption('[data-testid="topology-parent"]', codeA);
    await page.click('[data-testid="topology-run"]');
    await expect.poll(() => page.textContent('[data-testid="topology-summary"]')).toContain('1 error ·');
    expect(await page.textContent('[data-testid="count-gap"]')).toBe('1');
    expect(await page.textContent('[data-testid="count-band"]')).toBe('2');
    const gap = page.locator('[data-kind="gap"] [data-testid="finding"]');
    // The gap is the strip A gained: 0.0006° × 0.0025° ≈ 48 m × 278 m.
    const areaText = (await gap.locator('.area').textContent())!;
    const m2 = areaText.includes('ha') ? Number(areaText.replace(/[^\d.]/g, '')) * 1e4 : Number(areaText.replace(/[^\d.]/g, ''));
    expect(m2).toBeGreaterThan(12_000);
    expect(m2).toBeLessThan(15_000);
    await gap.click();
    const stripCentre = [(A0[2] + A1[2]) / 2, (A1[1] + A1[3]) / 2];
    await expect.poll(async () => {
      const c = await page.evaluate(() => window.__wangge!.map.getCenter().toArray());
      return Math.hypot(c[0] - stripCentre[0], c[1] - stripCentre[1]);
    }, { timeout: 15_000 }).toBeLessThan(0.0005);
    await expect.poll(() => page.evaluate(() => window.__wanggeGrids!.findingsDrawn)).toBe(3);
    const png = await mapShot();
    // Magenta outline and a strong magenta fill over the strip.
    // The selected finding's fill (alpha 150) over the land background or over water.
    const stats = await pixelStats(browser, png, { warning: [230, 0, 160], overLand: [235, 99, 191], overWater: [205, 85, 190] });
    expect(stats.near.warning + stats.near.overLand + stats.near.overWater).toBeGreaterThan(2_000);
  });

  it('refuses an import of overlapping grids with the topology report, whose overlap flies to the map', async () => {
    const a = B[0] + 0.0018;
    const b = B[0] + 0.0012;
    const file = {
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', properties: { code: `${codeB}001`, name: 'B 西' }, geometry: square([B[0], B[1], a, B[3]]) },
        { type: 'Feature', properties: { code: `${codeB}002`, name: 'B 东' }, geometry: square([b, B[1], B[2], B[3]]) },
      ],
    };
    await page.click('[data-testid="tab-io"]');
    await page.waitForSelector(`[data-testid="import-parent"] option[value="${codeB}"]`, { state: 'attached' });
    await page.selectOption('[data-testid="import-kind"]', 'grids');
    await page.selectOption('[data-testid="import-tier"]', '2');
    await page.selectOption('[data-testid="import-parent"]', codeB);
    await page.check('[data-testid="import-accept"]');
    await page.setInputFiles('[data-testid="import-file"]', { name: 'overlap.geojson', mimeType: 'application/geo+json', buffer: Buffer.from(JSON.stringify(file)) });
    await page.click('[data-testid="import-submit"]');
    await expect.poll(() => page.getAttribute('[data-testid="import-job"]', 'data-status'), { timeout: 60_000 }).toBe('failed');
    expect(await page.textContent('[data-testid="import-error"]')).toMatch(/topolog/i);
    const report = page.locator('[data-testid="import-report"]');
    expect(await report.locator('[data-testid="count-overlap"]').textContent()).toBe('1');
    // 0.0006° × 0.0025° of overlap: about 48 m × 278 m.
    await report.locator('[data-kind="overlap"] [data-testid="finding"]').click();
    const centre = [(a + b) / 2, (B[1] + B[3]) / 2];
    await expect.poll(async () => {
      const c = await page.evaluate(() => window.__wangge!.map.getCenter().toArray());
      return Math.hypot(c[0] - centre[0], c[1] - centre[1]);
    }, { timeout: 15_000 }).toBeLessThan(0.0005);
    expect(await page.evaluate(() => window.__wanggeGrids!.findingsDrawn)).toBeGreaterThanOrEqual(1);
    // Nothing was written.
    const children = await apiCall<{ features: unknown[] }>('GET', `/api/grids?jurisdiction=${jid}&parent=${codeB}`, null);
    expect(children.features).toHaveLength(0);
  });

  it('imports a GeoJSON file through the form: the job finishes and reports the rejected feature', async () => {
    const mid = (B[0] + B[2]) / 2;
    const file = {
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', properties: { code: `${codeB}001`, name: 'B 西', name_en: 'B west' }, geometry: square([B[0], B[1], mid, B[3]]) },
        { type: 'Feature', properties: { code: `${codeB}002`, name: 'B 东', name_en: 'B east' }, geometry: square([mid, B[1], B[2], B[3]]) },
        { type: 'Feature', properties: { code: `${codeB}003`, name: '一个点' }, geometry: { type: 'Point', coordinates: [mid, (B[1] + B[3]) / 2] } },
      ],
    };
    await page.click('[data-testid="tab-io"]');
    await page.waitForSelector(`[data-testid="import-parent"] option[value="${codeB}"]`, { state: 'attached' });
    await page.selectOption('[data-testid="import-kind"]', 'grids');
    await page.selectOption('[data-testid="import-tier"]', '2');
    await page.selectOption('[data-testid="import-parent"]', codeB);
    await page.fill('[data-testid="import-nameEnField"]', 'name_en');
    await page.check('[data-testid="import-skip"]');
    await page.check('[data-testid="import-accept"]');
    await page.setInputFiles('[data-testid="import-file"]', { name: 'b-grids.geojson', mimeType: 'application/geo+json', buffer: Buffer.from(JSON.stringify(file)) });
    await page.click('[data-testid="import-submit"]');
    await expect.poll(() => page.getAttribute('[data-testid="import-job"]', 'data-status'), { timeout: 60_000 }).toBe('done');
    expect(await page.textContent('[data-testid="import-report"]')).toContain('3 features, 2 accepted, 1 rejected');
    const rows = await page.locator('[data-testid="import-rejected"] tbody tr').allTextContents();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatch(/^#3/);
    expect(await page.textContent('[data-testid="import-written"]')).toContain('grids 2');
    // Written for real: the two children are current grids of B, with the English names mapped.
    const children = await apiCall<{ features: { properties: { code: string; nameEn: string } }[] }>('GET', `/api/grids?jurisdiction=${jid}&parent=${codeB}`, null);
    expect(children.features.map((f) => [f.properties.code, f.properties.nameEn]).sort()).toEqual([[`${codeB}001`, 'B west'], [`${codeB}002`, 'B east']]);
  });

  it('downloads exports: GeoJSON from the server, CSV written in the page', async () => {
    await page.selectOption('[data-testid="export-scope"]', `parent:${codeB}`);
    const [geojson] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="export-geojson"]')]);
    expect(geojson.suggestedFilename()).toMatch(/\.geojson$/);
    const fc = JSON.parse(fs.readFileSync((await geojson.path())!, 'utf8')) as { features: { properties: { code: string } }[] };
    expect(fc.features.map((f) => f.properties.code).sort()).toEqual([`${codeB}001`, `${codeB}002`]);
    const [csv] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="export-csv"]')]);
    const text = fs.readFileSync((await csv.path())!, 'utf8');
    const lines = text.trim().split('\r\n');
    expect(lines[0]).toContain('code,name,name_en,tier');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain('POLYGON');
    const [gpkg] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="export-geopackage"]')]);
    // A GeoPackage is an SQLite file.
    expect(fs.readFileSync((await gpkg.path())!).subarray(0, 15).toString()).toBe('SQLite format 3');
    expect(errors).toEqual([]);
  });

  // The commune over its nine quarters: the case that once stopped the embedded server (see
  // server/src/grids/sql/topology.sql), so it stays in the browser suite.
  it('runs the topology check for the commune 980001: the demo is clean', async () => {
    await page.selectOption('[data-testid="grids-jurisdiction"]', '1');
    await page.click('[data-testid="tab-topology"]');
    await page.waitForSelector('[data-testid="topology-parent"] option[value="980001"]', { state: 'attached' });
    await page.selectOption('[data-testid="topology-parent"]', '980001');
    await page.click('[data-testid="topology-run"]');
    await expect.poll(() => page.textContent('[data-testid="topology-summary"]'), { timeout: 30_000 }).toContain('No errors');
    expect(await page.textContent('[data-testid="topology-summary"]')).toContain('9 grids checked');
    for (const kind of ['invalid', 'overlap', 'gap', 'outside', 'codes', 'empty']) expect(await page.textContent(`[data-testid="count-${kind}"]`)).toBe('0');
  });
});
