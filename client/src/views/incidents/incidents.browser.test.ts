import fs from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { apiCall, baseUrl, browserSkip, launch, pixelStats, waitForMap } from '../../../test/browser.ts';

/** A 1×1 PNG: the smallest real photo the server's type sniffing accepts. */
const PNG_1PX = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

interface Inc { id: number; status: string; version: number; description: string; gridChain: { code: string }[]; allowedActions: string[]; history?: { action: string }[]; department: { code: string } | null }

describe.skipIf(Boolean(browserSkip))('incident centre in headless Chromium', () => {
  let browser: Browser;
  let page: Page;
  let admin: string;
  const errors: string[] = [];
  const rows = () => page.locator('[data-testid="inc-row"]');
  const drawer = () => page.locator('[data-testid="inc-drawer"]');
  const historyCount = () => page.locator('[data-testid="inc-history"] > li').count();

  beforeAll(async () => {
    // Every poll here waits on a server round trip on a busy 2-core machine: 1 s is too short.
    vi.setConfig({ expect: { poll: { timeout: 10_000, interval: 100 } } });
    admin = (await apiCall<{ token: string }>('POST', '/api/auth/login', null, { username: 'admin', password: inject('adminPassword') })).token;
    browser = await launch();
    page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    page.on('pageerror', (e) => errors.push(e.message));
    // Signed in the way the app keeps a session: localStorage 'wangge.session', set before the app starts.
    await page.addInitScript((session) => localStorage.setItem('wangge.session', session), JSON.stringify({ token: admin, username: 'admin', roles: ['admin'] }));
    await page.goto(`${baseUrl}/incidents?lang=en`);
    await waitForMap(page);
  });
  afterAll(async () => { await browser?.close(); });

  it('is in the top bar for a signed-in admin and lists the demo incidents, newest first, paged by 20', async () => {
    await expect.poll(() => page.locator('nav.views a[href="/incidents"]').getAttribute('class')).toBe('active');
    const all = await apiCall<{ items: Inc[]; total: number }>('GET', '/api/incidents?limit=20', admin);
    // 3,000 generated; those the generator could not place in a grid are not there.
    expect(all.total).toBeGreaterThan(2500);
    await expect.poll(() => page.locator('[data-testid="inc-count"]').textContent()).toBe(`1–20 of ${all.total}`);
    expect(await rows().count()).toBe(20);
    expect(await rows().first().getAttribute('data-id')).toBe(String(all.items[0].id));
    await page.locator('[data-testid="inc-next"]').click();
    await expect.poll(() => page.locator('[data-testid="inc-count"]').textContent()).toBe(`21–40 of ${all.total}`);
    const second = await apiCall<{ items: Inc[] }>('GET', '/api/incidents?limit=20&offset=20', admin);
    expect(await rows().first().getAttribute('data-id')).toBe(String(second.items[0].id));
    // The page's incidents are drawn on the map by deck.gl in their light colours.
    expect(await page.evaluate(() => (window.__wangge!.overlay as unknown as { _deck: { props: { layers: { id: string }[] } } })._deck.props.layers.map((l) => l.id))).toContain('inc-page');
    // Far out the tiles draw open counts per area as orange dots: the legend names them while they show, not close in.
    const zoom = await page.evaluate(() => window.__wangge!.map.getZoom());
    await page.evaluate(() => window.__wangge!.map.jumpTo({ zoom: 13 }));
    await expect.poll(() => page.locator('[data-testid="inc-legend-bins"]').textContent()).toBe('Open incidents per area (zoom in for each case)');
    await page.evaluate(() => window.__wangge!.map.jumpTo({ zoom: 15 }));
    await expect.poll(() => page.locator('[data-testid="inc-legend-bins"]').count()).toBe(0);
    await page.evaluate((z) => window.__wangge!.map.jumpTo({ zoom: z }), zoom);
  });

  it('filters by status, light and grid, each matching the server\'s own count', async () => {
    await page.locator('[data-testid="inc-f-status"]').selectOption('reported');
    const reported = await apiCall<{ total: number }>('GET', '/api/incidents?status=reported&limit=1', admin);
    await expect.poll(() => page.locator('[data-testid="inc-count"]').textContent()).toBe(`1–${Math.min(20, reported.total)} of ${reported.total}`);
    expect(new Set(await rows().evaluateAll((els) => els.map((e) => e.getAttribute('data-status'))))).toEqual(new Set(['reported']));

    await page.locator('[data-testid="inc-f-status"]').selectOption('');
    await page.locator('[data-testid="inc-f-light"]').selectOption('red');
    const red = await apiCall<{ total: number }>('GET', '/api/incidents?light=red&limit=1', admin);
    expect(red.total).toBeGreaterThan(0);
    await expect.poll(() => page.locator('[data-testid="inc-count"]').textContent()).toContain(`of ${red.total}`);

    await page.locator('[data-testid="inc-f-light"]').selectOption('');
    await page.locator('[data-testid="inc-f-grid"]').fill('980001003');
    await page.locator('[data-testid="inc-f-grid"]').press('Enter');
    const grid = await apiCall<{ total: number }>('GET', '/api/incidents?grid=980001003&limit=1', admin);
    expect(grid.total).toBeGreaterThan(0);
    await expect.poll(() => page.locator('[data-testid="inc-count"]').textContent()).toContain(`of ${grid.total}`);
    await page.locator('[data-testid="inc-f-grid"]').fill('');
    await page.locator('[data-testid="inc-f-grid"]').press('Enter');
  });

  it('opens a reported incident, registers and dispatches it: the status changes and the history grows', async () => {
    await page.locator('[data-testid="inc-f-status"]').selectOption('reported');
    // The filtered list has arrived (its count says so), not just a first row of the list before
    // that happens to be reported: clicking a row the new list then replaces opens another case.
    const reported = await apiCall<{ total: number }>('GET', '/api/incidents?status=reported&limit=1', admin);
    await expect.poll(() => page.locator('[data-testid="inc-count"]').textContent()).toContain(`of ${reported.total}`);
    await expect.poll(() => rows().first().getAttribute('data-status')).toBe('reported');
    const id = Number(await rows().first().getAttribute('data-id'));
    await rows().first().click();
    await expect.poll(() => drawer().getAttribute('data-id')).toBe(String(id));
    const before = await apiCall<Inc>('GET', `/api/incidents/${id}`, admin);
    await expect.poll(historyCount).toBe(before.history!.length);
    // Exactly the actions the server allows this role now.
    const buttons = await page.locator('[data-testid="inc-actions"] .buttons button').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')!.replace('inc-action-', '')));
    expect(buttons).toEqual(before.allowedActions);
    expect(buttons).toContain('register');
    expect(buttons).not.toContain('close');

    await page.locator('[data-testid="inc-action-register"]').click();
    await page.locator('[data-testid="inc-a-note"]').fill('registered by the browser test');
    await page.locator('[data-testid="inc-a-submit"]').click();
    await expect.poll(() => drawer().getAttribute('data-status')).toBe('registered');
    await expect.poll(historyCount).toBe(before.history!.length + 1);
    await expect.poll(() => page.locator('[data-testid="inc-history"] > li').last().textContent()).toContain('registered by the browser test');
    // The list (filtered to reported) no longer holds it.
    await expect.poll(() => rows().evaluateAll((els, want) => els.some((e) => e.getAttribute('data-id') === want), String(id))).toBe(false);

    // Dispatch needs a department: the form offers the server's departments.
    await page.locator('[data-testid="inc-action-dispatch"]').click();
    const dep = await page.locator('[data-testid="inc-a-department"] option').nth(1).getAttribute('value');
    await page.locator('[data-testid="inc-a-department"]').selectOption(dep!);
    await page.locator('[data-testid="inc-a-submit"]').click();
    await expect.poll(() => drawer().getAttribute('data-status')).toBe('dispatched');
    await expect.poll(historyCount).toBe(before.history!.length + 2);
    await page.screenshot({ path: 'test-artifacts/incidents-drawer.png' });
    const after = await apiCall<Inc>('GET', `/api/incidents/${id}`, admin);
    expect(after.status).toBe('dispatched');
    expect(after.department?.code).toBe(dep);
    expect(after.history!.map((h) => h.action).slice(-2)).toEqual(['register', 'dispatch']);
  });

  it('a stale drawer (no live feed) cannot act twice: the server refuses, the drawer shows the new state', async () => {
    const id = Number(await drawer().getAttribute('data-id'));
    // A second dispatcher's screen whose event stream is down, opened on the same case by its link.
    const other = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    other.on('pageerror', (e) => errors.push(e.message));
    await other.route('**/api/events**', (route) => route.abort('connectionrefused'));
    await other.addInitScript((session) => localStorage.setItem('wangge.session', session), JSON.stringify({ token: admin, username: 'admin', roles: ['admin'] }));
    await other.goto(`${baseUrl}/incidents?lang=en&incident=${id}`);
    const otherDrawer = other.locator('[data-testid="inc-drawer"]');
    await expect.poll(() => otherDrawer.getAttribute('data-status'), { timeout: 30_000 }).toBe('dispatched');

    // The first screen reports it handled.
    await page.locator('[data-testid="inc-action-handle"]').click();
    await page.locator('[data-testid="inc-a-submit"]').click();
    await expect.poll(() => drawer().getAttribute('data-status')).toBe('handled');

    // The stale screen still offers "handle"; the server refuses it (the case moved on) and the drawer reloads.
    await other.locator('[data-testid="inc-action-handle"]').click();
    await other.locator('[data-testid="inc-a-submit"]').click();
    await expect.poll(() => other.locator('[data-testid="inc-action-message"]').textContent()).toContain('Someone else just changed this incident');
    await expect.poll(() => otherDrawer.getAttribute('data-status')).toBe('handled');
    const after = await apiCall<Inc>('GET', `/api/incidents/${id}`, admin);
    expect(after.history!.filter((h) => h.action === 'handle')).toHaveLength(1);
    const buttons = await other.locator('[data-testid="inc-actions"] .buttons button').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')!.replace('inc-action-', '')));
    expect(buttons).toEqual(after.allowedActions);
    expect(buttons).toContain('close');
    await other.close();
  });

  it('refreshes the list live when a case is reported elsewhere', async () => {
    await page.locator('[data-testid="inc-f-status"]').selectOption('');
    await expect.poll(() => page.evaluate(() => window.__wanggeIncidents?.live)).toBe(true);
    const centre = await page.evaluate(() => window.__wangge!.map.getCenter().toArray());
    const categories = await apiCall<{ code: string; parentCode: string | null }[]>('GET', '/api/categories?flat=true', null);
    const loadsBefore = await page.evaluate(() => window.__wanggeIncidents!.listLoads);
    const created = await apiCall<Inc>('POST', '/api/incidents', admin, { lng: centre[0], lat: centre[1], category: categories.find((c) => c.parentCode)!.code, description: 'live list test', source: 'hotline' });
    await expect.poll(() => rows().first().getAttribute('data-id'), { timeout: 15_000 }).toBe(String(created.id));
    expect(await page.evaluate(() => window.__wanggeIncidents!.listLoads)).toBeGreaterThan(loadsBefore);
  });

  it('reports a new incident from a click on the map, with an Idempotency-Key', async () => {
    await page.locator('[data-testid="inc-drawer"] .close').click();
    await page.locator('[data-testid="inc-tab-report"]').click();
    await page.locator('[data-testid="inc-report"]').waitFor();
    const sent: { key: string | null; body: string | null }[] = [];
    page.on('request', (r) => { if (r.method() === 'POST' && r.url().endsWith('/api/incidents')) sent.push({ key: r.headers()['idempotency-key'] ?? null, body: r.postData() }); });

    await page.locator('[data-testid="map"]').click();
    await expect.poll(() => page.locator('[data-testid="inc-r-lng"]').inputValue()).not.toBe('');
    const lng = Number(await page.locator('[data-testid="inc-r-lng"]').inputValue());
    const lat = Number(await page.locator('[data-testid="inc-r-lat"]').inputValue());
    const centre = await page.evaluate(() => window.__wangge!.map.getCenter().toArray());
    expect(Math.abs(lng - centre[0])).toBeLessThan(0.001);
    expect(Math.abs(lat - centre[1])).toBeLessThan(0.001);
    expect(await page.locator('[data-testid="inc-r-crs"]').inputValue()).toBe('WGS84');

    await page.locator('[data-testid="inc-r-major"]').selectOption('02');
    await page.locator('[data-testid="inc-r-minor"]').selectOption('0202');
    await page.locator('[data-testid="inc-r-description"]').fill('street light out, reported from the map');
    await page.locator('[data-testid="inc-r-source"]').selectOption('hotline');
    // A file that is not a photo is refused before anything is sent; a PNG goes up after the report.
    await page.locator('[data-testid="inc-r-photos"]').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a photo') });
    expect(await page.locator('[data-testid="inc-r-submit"]').isDisabled()).toBe(true);
    await page.locator('[data-testid="inc-r-photos"]').setInputFiles({ name: 'light.png', mimeType: 'image/png', buffer: Buffer.from(PNG_1PX, 'base64') });
    await page.locator('[data-testid="inc-r-submit"]').click();
    await expect.poll(() => page.locator('[data-testid="inc-r-done"]').textContent()).toMatch(/Reported #\d+/);
    const id = Number((await page.locator('[data-testid="inc-r-done"]').textContent())!.match(/#(\d+)/)![1]);
    await page.screenshot({ path: 'test-artifacts/incidents-report.png' });

    expect(sent).toHaveLength(1);
    expect(sent[0].key).toMatch(/.{8,}/);
    expect(JSON.parse(sent[0].body!)).toMatchObject({ crs: 'WGS84', category: '0202', source: 'hotline' });
    const saved = await apiCall<Inc>('GET', `/api/incidents/${id}`, admin);
    expect(saved.description).toBe('street light out, reported from the map');
    expect(saved.status).toBe('reported');
    expect(saved.gridChain.length).toBeGreaterThanOrEqual(2);
    expect(await page.locator('[data-testid="inc-r-photo-note"]').first().textContent()).toBe('1 photo(s) attached');
    // The new case opens in the drawer: reported, then its photo, shown from the API.
    await expect.poll(() => drawer().getAttribute('data-id')).toBe(String(id));
    await expect.poll(historyCount).toBe(2);
    expect(await page.locator('[data-testid="inc-history"] > li').evaluateAll((els) => els.map((e) => e.getAttribute('data-action')))).toEqual(['report', 'photo']);
    await expect.poll(() => page.locator('[data-testid="inc-photos"] img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(1);
    // The same key again (a retry) would answer this incident, not a new one.
    const replay = await fetch(`${baseUrl}/api/incidents`, { method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json', 'idempotency-key': sent[0].key! }, body: sent[0].body });
    expect(replay.status).toBe(200);
    expect(((await replay.json()) as Inc).id).toBe(id);
  });

  it('typed GCJ-02 coordinates are sent as such for the server to convert', async () => {
    await page.locator('[data-testid="inc-r-crs"]').selectOption('GCJ02');
    await page.locator('[data-testid="inc-r-lng"]').fill('7.4246');
    await page.locator('[data-testid="inc-r-lat"]').fill('43.7384');
    expect(await page.locator('[data-testid="inc-r-crs"]').inputValue()).toBe('GCJ02');
    const req = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith('/api/incidents'));
    await page.locator('[data-testid="inc-r-submit"]').click();
    expect(JSON.parse((await req).postData()!)).toMatchObject({ lng: 7.4246, lat: 43.7384, crs: 'GCJ02', category: '0202' });
    await expect.poll(() => page.locator('[data-testid="inc-r-done"], [data-testid="inc-r-error"]').first().textContent()).toMatch(/#\d+|no grid/);
  });

  it('shows the assessment ranking as a table and a chart, exported as CSV and PNG', async () => {
    await page.locator('[data-testid="inc-tab-assessment"]').click();
    await expect.poll(() => page.locator('[data-testid="inc-as-table"] tbody tr').count(), { timeout: 15_000 }).toBeGreaterThan(1);
    const from = await page.locator('[data-testid="inc-as-from"]').inputValue();
    const to = await page.locator('[data-testid="inc-as-to"]').inputValue();
    const qs = new URLSearchParams({ by: 'grid', from: await page.evaluate((d) => new Date(`${d}T00:00:00`).toISOString(), from), to: await page.evaluate((d) => new Date(new Date(`${d}T00:00:00`).getTime() + 86_400_000).toISOString(), to) });
    const body = await apiCall<{ rows: { name: string | null; key: string; due: number; score: number | null }[]; total: { due: number } }>('GET', `/api/assessment?${qs}`, admin);
    expect(await page.locator('[data-testid="inc-as-table"] tbody tr').count()).toBe(body.rows.length);
    const firstCells = await page.locator('[data-testid="inc-as-table"] tbody tr').first().locator('td').allTextContents();
    expect(firstCells[1]).toBe(body.rows[0].name ?? body.rows[0].key);
    expect(firstCells[2]).toBe(String(body.rows[0].due));
    expect(await page.locator('[data-testid="inc-as-totals"]').textContent()).toContain(String(body.total.due));

    // The chart is drawn: the score bars' blue is there.
    const chartPng = await page.locator('[data-testid="inc-as-chart"]').screenshot();
    const stats = await pixelStats(browser, chartPng, { bar: [0x1f, 0x6f, 0xb2], onTime: [0xc8, 0x10, 0x2e] });
    expect(stats.near.bar).toBeGreaterThan(500);
    expect(stats.near.onTime).toBeGreaterThan(20);

    const [csv] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid="inc-as-csv"]').click()]);
    expect(csv.suggestedFilename()).toMatch(/^assessment-grid-.*\.csv$/);
    const text = fs.readFileSync((await csv.path())!, 'utf8');
    expect(text.charCodeAt(0)).toBe(0xfeff);
    expect(text.trim().split(/\r?\n/).length).toBe(body.rows.length + 1);

    const [png] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid="inc-as-png"]').click()]);
    expect(png.suggestedFilename()).toMatch(/^assessment-grid-.*\.png$/);
    const bytes = fs.readFileSync((await png.path())!);
    expect(bytes.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    const exported = await pixelStats(browser, bytes, { bar: [0x1f, 0x6f, 0xb2] });
    expect(exported.near.bar).toBeGreaterThan(500);

    await page.screenshot({ path: 'test-artifacts/incidents-assessment.png' });
    await page.locator('[data-testid="inc-as-by"]').selectOption('department');
    await expect.poll(() => page.locator('[data-testid="inc-as-table"] thead th').nth(1).textContent()).toBe('Department');
  });

  it('shows each role only what it may do: an analyst reads and assesses, an officer handles', async () => {
    const stamp = Date.now();
    const signInAs = async (role: string) => {
      const username = `inc-${role}-${stamp}`;
      await apiCall('POST', '/api/users', admin, { username, password: 'browser-test-pw', roles: [role] });
      const { token } = await apiCall<{ token: string }>('POST', '/api/auth/login', null, { username, password: 'browser-test-pw' });
      const p = await browser.newPage({ viewport: { width: 1280, height: 860 } });
      p.on('pageerror', (e) => errors.push(e.message));
      await p.addInitScript((session) => localStorage.setItem('wangge.session', session), JSON.stringify({ token, username, roles: [role] }));
      return p;
    };
    // A dispatched case still at its unit grid (tier 3), never escalated.
    const dispatched = (await apiCall<{ items: (Inc & { tier: number })[] }>('GET', '/api/incidents?status=dispatched&limit=100', admin)).items.find((i) => i.tier === 3)!;
    expect(dispatched).toBeDefined();

    const analyst = await signInAs('analyst');
    await analyst.goto(`${baseUrl}/incidents?lang=en&incident=${dispatched.id}`);
    await expect.poll(() => analyst.locator('[data-testid="inc-drawer"]').getAttribute('data-status')).toBe('dispatched');
    expect(await analyst.locator('[data-testid="inc-actions"] .buttons button').count()).toBe(0);
    expect(await analyst.locator('[data-testid="inc-no-actions"]').count()).toBe(1);
    expect(await analyst.locator('[data-testid="inc-tab-report"]').count()).toBe(0);
    expect(await analyst.locator('[data-testid="inc-tab-assessment"]').count()).toBe(1);
    await analyst.close();

    const officer = await signInAs('officer');
    await officer.goto(`${baseUrl}/incidents?lang=en&incident=${dispatched.id}`);
    await expect.poll(() => officer.locator('[data-testid="inc-drawer"]').getAttribute('data-status')).toBe('dispatched');
    const buttons = await officer.locator('[data-testid="inc-actions"] .buttons button').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')!.replace('inc-action-', '')));
    expect(buttons.sort()).toEqual(['escalate', 'handle']);
    expect(await officer.locator('[data-testid="inc-tab-report"]').count()).toBe(1);
    expect(await officer.locator('[data-testid="inc-tab-assessment"]').count()).toBe(0);
    // Escalating needs a note: the button stays disabled until there is one.
    await officer.locator('[data-testid="inc-action-escalate"]').click();
    expect(await officer.locator('[data-testid="inc-a-submit"]').isDisabled()).toBe(true);
    await officer.locator('[data-testid="inc-a-note"]').fill('needs the town: the whole street is affected');
    expect(await officer.locator('[data-testid="inc-a-submit"]').isDisabled()).toBe(false);
    // Escalated, the case goes one tier up (小事不出村，大事不出镇) and back to registration there.
    const tierBefore = await officer.locator('[data-testid="inc-tier"]').textContent();
    expect(tierBefore).toMatch(/^Unit grid /);
    await officer.locator('[data-testid="inc-a-submit"]').click();
    await expect.poll(() => officer.locator('[data-testid="inc-drawer"]').getAttribute('data-status')).toBe('registered');
    await expect.poll(() => officer.locator('[data-testid="inc-tier"]').textContent()).toMatch(/^Quarter /);
    expect(await officer.locator('[data-testid="inc-history"] > li').last().getAttribute('data-action')).toBe('escalate');
    expect((await apiCall<Inc & { tier: number }>('GET', `/api/incidents/${dispatched.id}`, admin)).tier).toBe(2);
    await officer.close();
  });

  it('speaks Chinese too, and threw no page errors', async () => {
    await page.locator('[data-testid="lang-switch"]').click();
    await expect.poll(() => page.locator('[data-testid="inc-tab-assessment"]').textContent()).toBe('管理考核');
    await page.locator('[data-testid="inc-tab-list"]').click();
    await expect.poll(() => page.locator('[data-testid="inc-count"]').textContent()).toMatch(/^第 1–20 条，共 \d+ 条$/);
    await rows().first().click();
    await expect.poll(() => page.locator('[data-testid="inc-status"]').textContent()).toMatch(/^已|^挂账|^不予/);
    await page.screenshot({ path: 'test-artifacts/incidents-zh.png' });
    // Escape closes the drawer.
    await page.locator('body').press('Escape');
    await expect.poll(() => drawer().count()).toBe(0);
    expect(errors).toEqual([]);
  });
});
