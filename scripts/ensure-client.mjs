// Builds the client when client/dist is missing or older than its sources, so that
// `npm start` on a fresh clone serves a built client and a restart does not rebuild it.
import { execSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const stamp = path.join(root, 'client/dist/index.html');
const sources = ['client', 'vite.config.ts', 'package.json'].map((p) => path.join(root, p));

function newest(p) {
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let max = st.mtimeMs;
  for (const name of fs.readdirSync(p)) {
    if (name === 'dist' || name === 'node_modules') continue;
    max = Math.max(max, newest(path.join(p, name)));
  }
  return max;
}

const built = fs.existsSync(stamp) ? fs.statSync(stamp).mtimeMs : 0;
if (built < Math.max(...sources.filter(fs.existsSync).map(newest))) {
  process.stdout.write('[wangge] building the client …\n');
  execSync('npx vite build --logLevel warn', { cwd: root, stdio: 'inherit' });
}
