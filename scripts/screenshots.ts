/**
 * `npm run screenshots`: the README's pictures, made the way a user sees the product — the demo
 * area on a fresh embedded PostGIS, the built client, headless Chromium. Writes
 * docs/screenshots/panorama.png (1600×1000, zh-CN), wall.png (1920×1080, with live pulses),
 * wall-hotspots.png (the wall's Gi* hot-spot view), planner.png (a proposal for Monte-Carlo beside the
 * current grids) and analyst-gi.png / analyst-heatmap.png (1600×1000, English).
 * Chinese text needs a CJK font in the system (Debian: fonts-noto-cjk).
 */
import { execSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { build } from '../server/src/app.ts';
import { ensureAdmin } from '../server/src/core/bootstrap.ts';
import { loadConfig } from '../server/src/core/config.ts';
import { createPoolDb } from '../server/src/core/db.ts';
import { migrate } from '../server/src/core/migrate.ts';
import { loadDemo } from '../server/src/osm/demo.ts';
import { startTestEmbedded } from '../server/test/embedded-template.ts';

const OUT = path.resolve('docs/screenshots');
const FLAGS = ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'];
const chromiumPath = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => p && fs.existsSync(p));
if (!chromiumPath) throw new Error('no Chromium: apt-get install chromium, or set CHROMIUM_PATH');

execSync('node scripts/ensure-client.mjs', { stdio: 'inherit' });
const embedded = await startTestEmbedded();
const db = createPoolDb(embedded.url, 'embedded', 8);
const password = 'screenshots-admin';
await migrate(db);
await ensureAdmin(db, password);
console.log('loading the demo …');
await loadDemo(db, loadConfig({}, { LOG_LEVEL: 'silent', WANGGE_DATA_DIR: 'data/screenshots' }), () => undefined);
const app = await build({ config: loadConfig({}, { LOG_LEVEL: 'silent', WANGGE_DATA_DIR: 'data/screenshots' }), db, logger: false });
const base = await app.listen({ host: '127.0.0.1', port: 0 });
const browser = await chromium.launch({ executablePath: chromiumPath, args: FLAGS });

async function call<T>(method: string, url: string, token: string | null, body?: unknown): Promise<T> {
  const res = await fetch(`${base}${url}`, { method, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

try {
  fs.mkdirSync(OUT, { recursive: true });
  const panorama = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  await panorama.goto(`${base}/?lang=zh-CN`);
  await panorama.waitForFunction(() => window.__wangge?.ready === true && window.__wangge.overlay !== null, null, { timeout: 90_000 });
  await panorama.evaluate(() => window.__wangge!.map.jumpTo({ zoom: window.__wangge!.map.getZoom() + 0.9 }));
  await panorama.waitForTimeout(4000);
  await panorama.screenshot({ path: path.join(OUT, 'panorama.png') });

  const admin = (await call<{ token: string }>('POST', '/api/auth/login', null, { username: 'admin', password })).token;
  const { url } = await call<{ url: string }>('POST', '/api/kiosk-tokens', admin, { name: 'screenshots' });
  const wall = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  await wall.goto(`${base}${url}&lang=zh-CN&tz=Asia/Shanghai`);
  await wall.waitForFunction(() => window.__wangge?.ready === true && window.__wangge.overlay !== null && window.__wanggeWall?.summaryAt, null, { timeout: 90_000 });
  const [w, s, e, n] = await wall.evaluate(() => window.__wangge!.map.getBounds().toArray().flat());
  const categories = await call<{ code: string; parentCode: string | null }[]>('GET', '/api/categories?flat=true', null);
  const minors = categories.filter((c) => c.parentCode);
  for (let i = 0; i < 12; i++) {
    const lng = w + (e - w) * (0.35 + 0.3 * Math.random());
    const lat = s + (n - s) * (0.25 + 0.5 * Math.random());
    await call('POST', '/api/incidents', admin, { lng, lat, category: minors[i % minors.length].code, description: 'screenshot', source: 'patrol' }).catch(() => undefined);
  }
  await wall.waitForTimeout(2500);
  await wall.screenshot({ path: path.join(OUT, 'wall.png') });

  const hotspots = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  await hotspots.goto(`${base}${url}&lang=zh-CN&tz=Asia/Shanghai&views=hotspots`);
  await hotspots.waitForFunction(() => window.__wangge?.ready === true && window.__wangge.overlay !== null && (window.__wanggeWall?.viewCells ?? 0) > 0, null, { timeout: 120_000 });
  await hotspots.waitForTimeout(2500);
  await hotspots.screenshot({ path: path.join(OUT, 'wall-hotspots.png') });

  // The planner with a proposal for Monte-Carlo next to the current grids, and the analyst's Gi* and heatmap, in English.
  const session = JSON.stringify({ token: admin, username: 'admin', roles: ['admin'] });
  const signedIn = async () => {
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    await page.addInitScript((s) => localStorage.setItem('wangge.session', s), session);
    return page;
  };
  const planner = await signedIn();
  await planner.goto(`${base}/planner?lang=en`);
  await planner.waitForSelector('[data-testid="pl-area"] option[value="980001006"]', { state: 'attached', timeout: 60_000 });
  await planner.selectOption('[data-testid="pl-area"]', '980001006');
  await planner.click('[data-testid="pl-start"]');
  await planner.waitForSelector('[data-testid="metric-table"]', { timeout: 180_000 });
  await planner.waitForTimeout(3000);
  await planner.screenshot({ path: path.join(OUT, 'planner.png') });

  const analyst = await signedIn();
  await analyst.goto(`${base}/analyst?lang=en`);
  await analyst.waitForFunction(() => window.__wanggeAnalyst?.loading === false && window.__wanggeAnalyst.url !== null, null, { timeout: 60_000 });
  for (const kind of ['gi', 'heatmap'] as const) {
    await analyst.locator(`input[name="analyst-kind"][value="${kind}"]`).check();
    await analyst.waitForFunction((k) => window.__wanggeAnalyst?.kind === k && window.__wanggeAnalyst.loading === false, kind, { timeout: 60_000 });
    await analyst.waitForTimeout(3000);
    await analyst.screenshot({ path: path.join(OUT, `analyst-${kind}.png`) });
  }
  console.log(`wrote ${OUT}/panorama.png, wall.png, wall-hotspots.png, planner.png, analyst-gi.png and analyst-heatmap.png`);
} finally {
  await browser.close();
  await app.close();
  await db.close();
  await embedded.stop();
}
