import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { apiCall, artifactPath, baseUrl, browserSkip, launch, pixelStats, waitForMap } from '../../../test/browser.ts';

const AREA = '980001009'; // Monaco-Ville: 1,400 households, about 7 unit grids

describe.skipIf(Boolean(browserSkip))('planner view in headless Chromium', () => {
  let browser: Browser;
  let page: Page;
  let admin: string;
  const errors: string[] = [];
  const value = async (row: string, variant: string) => Number(await page.getAttribute(`[data-testid="m-${row}-${variant}"]`, 'data-value'));

  beforeAll(async () => {
    admin = (await apiCall<{ token: string }>('POST', '/api/auth/login', null, { username: 'admin', password: inject('adminPassword') })).token;
    const me = await apiCall<{ username: string; roles: string[] }>('GET', '/api/auth/me', admin);
    browser = await launch();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${baseUrl}/?lang=en`);
    await page.evaluate((s) => localStorage.setItem('wangge.session', JSON.stringify(s)), { token: admin, username: me.username, roles: me.roles });
    await page.goto(`${baseUrl}/planner?lang=en`);
  });
  afterAll(async () => { await browser?.close(); });

  it('is in the top bar for an admin and offers the jurisdiction\'s grids to cut', async () => {
    await expect.poll(() => page.locator('nav.views a[href="/planner"]').getAttribute('class')).toBe('active');
    await page.waitForSelector(`[data-testid="pl-area"] option[value="${AREA}"]`, { state: 'attached', timeout: 30_000 });
    await waitForMap(page);
    expect(await page.inputValue('[data-testid="pl-target"]')).toBe('200');
  });

  it('starts a proposal for a quarter, follows its progress and shows the metric table: the proposal beats both baselines on band share', async () => {
    await page.selectOption('[data-testid="pl-area"]', AREA);
    await page.click('[data-testid="pl-start"]');
    await page.waitForSelector('[data-testid="metric-table"]', { timeout: 90_000 }).catch(async (e) => {
      const state = await page.evaluate(() => window.__wanggePlanner);
      console.log('DEBUG', errors, JSON.stringify(state), await page.locator('.pl-side').innerText());
      if (state?.jobId) {
        const res = await fetch(`${baseUrl}/api/partitions/${state.jobId}`, { headers: { authorization: `Bearer ${admin}` } });
        console.log('DEBUG job', res.status, (await res.text()).slice(0, 3000));
      }
      throw e;
    });
    const planner = await page.evaluate(() => window.__wanggePlanner!);
    expect(planner.status).toBe('done');
    // The figures are the server's: the job as the API reports it.
    const job = await apiCall<{ status: string; stage: string; result: { metrics: { grids: number; bandShare: number }; baselines: { h3: { summary: { bandShare: number } }; kmeans: { summary: { bandShare: number } } } } }>('GET', `/api/partitions/${planner.jobId}`, admin);
    expect(job.status).toBe('done');
    expect(await value('grids', 'proposal')).toBe(job.result.metrics.grids);
    const band = await value('bandShare', 'proposal');
    expect(band).toBe(job.result.metrics.bandShare);
    expect(band).toBeGreaterThan(await value('bandShare', 'h3'));
    expect(band).toBeGreaterThan(await value('bandShare', 'kmeans'));
    expect(await value('barrierShare', 'proposal')).toBeGreaterThan(await value('barrierShare', 'h3'));
    expect(await page.locator('[data-testid="m-bandShare-proposal"]').getAttribute('class')).toBe('best');
    expect(await page.locator('[data-testid="pl-grid-row"]').count()).toBe(job.result.metrics.grids);
    expect(planner.progressEvents + planner.stages.length).toBeGreaterThanOrEqual(0);
  });

  it('draws the proposal and the current grids side by side, coloured by deviation, with a tooltip', async () => {
    await expect.poll(() => page.locator('[data-testid="pane-right"]').count()).toBe(1);
    await page.waitForTimeout(1500);
    const left = await page.locator('[data-testid="pane-left"]').screenshot();
    const right = await page.locator('[data-testid="pane-right"]').screenshot();
    // #c8102e-ish is not used for grids; the grid outline is rgb(40,44,52) and in-band fills are near #f7f7f7.
    const l = await pixelStats(browser, left, { outline: [40, 44, 52] });
    const r = await pixelStats(browser, right, { outline: [40, 44, 52] });
    expect(l.near.outline).toBeGreaterThan(200);
    expect(r.near.outline).toBeGreaterThan(200);
    // Hover the middle of a grid row's grid: the tooltip names a grid and its households.
    const box = (await page.locator('[data-testid="pane-left"]').boundingBox())!;
    let shown = false;
    for (const [fx, fy] of [[0.5, 0.5], [0.4, 0.45], [0.6, 0.55], [0.45, 0.6], [0.55, 0.4]]) {
      await page.mouse.move(box.x + box.width * fx, box.y + box.height * fy);
      await page.waitForTimeout(300);
      if (await page.locator('[data-testid="pl-tooltip"]').count()) { shown = true; break; }
    }
    expect(shown).toBe(true);
    expect(await page.locator('[data-testid="pl-tooltip"]').textContent()).toMatch(/households/);
    await page.screenshot({ path: artifactPath('planner-side-by-side.png') });
    // Swipe: the right map is clipped at the line, the left one shows through.
    await page.click('[data-testid="pl-swipe-mode"]');
    await expect.poll(() => page.locator('[data-testid="pane-right"]').evaluate((el) => getComputedStyle(el).clipPath)).toMatch(/inset\(0(px)? 0(px)? 0(px)? 50%\)/);
    await page.waitForTimeout(1000);
    await page.screenshot({ path: artifactPath('planner-swipe.png') });
    await page.click('text=Side by side');
  });

  it('merges two grids (metrics refreshed), shows the publish refusal, and undoes the merge', async () => {
    const n = await value('grids', 'proposal');
    const band = await value('bandShare', 'proposal');
    const firstJob = await page.evaluate(() => window.__wanggePlanner!.jobId);
    await page.locator('[data-testid="pl-grid-row"]').first().click();
    const merge = page.locator('[data-testid="pl-selected"] button[data-testid^="pl-merge-"]').first();
    await merge.waitFor();
    await merge.click();
    await expect.poll(() => value('grids', 'proposal'), { timeout: 30_000 }).toBe(n - 1);
    await expect.poll(() => page.locator('[data-testid="pl-grid-row"]').count()).toBe(n - 1);
    expect(await value('bandShare', 'proposal')).not.toBe(band);
    expect(await page.locator('[data-testid="pl-edit-error"]').count()).toBe(0);
    // The server has the edit too.
    const edited = await apiCall<{ result: { metrics: { grids: number } } }>('GET', `/api/partitions/${firstJob}`, admin);
    expect(edited.result.metrics.grids).toBe(n - 1);

    // A merged grid of ~400 households is outside the band: publishing is refused with the report.
    await page.click('[data-testid="pl-publish"]');
    await page.waitForSelector('[data-testid="pl-refusal"]', { timeout: 30_000 });
    expect(await page.locator('[data-testid="pl-refusal"]').textContent()).toMatch(/households_out_of_band/);
    expect(await page.locator('[data-testid="pl-accept-warnings"]').count()).toBe(1);
    expect(await page.locator('[data-testid="pl-published"]').count()).toBe(0);
    await page.screenshot({ path: artifactPath('planner-merged-refused.png') });

    await page.click('[data-testid="pl-undo"]');
    await expect.poll(() => value('grids', 'proposal'), { timeout: 90_000 }).toBe(n);
    expect(await value('bandShare', 'proposal')).toBe(band);
    expect(await page.locator('[data-testid="pl-note"]').textContent()).toMatch(/recomputed with the same seed/);
    expect(await page.evaluate(() => window.__wanggePlanner!.jobId)).not.toBe(firstJob);
    expect(await page.locator('[data-testid="pl-redo"]').isEnabled()).toBe(true);
    expect(errors).toEqual([]);
  });

  it('speaks Chinese after the language switch', async () => {
    await page.click('[data-testid="lang-switch"]');
    await expect.poll(() => page.locator('.pl-side h2').textContent()).toBe('网格划分方案');
    expect(await page.locator('[data-testid="metric-table"] caption').textContent()).toMatch(/容差带 160–240/);
    await page.click('[data-testid="lang-switch"]');
    await expect.poll(() => page.locator('.pl-side h2').textContent()).toBe('Grid partition proposals');
  });
});
