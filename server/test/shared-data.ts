import fs from 'node:fs';
import path from 'node:path';

/**
 * The workplace's real public data (../shared/data beside the checkout, or WANGGE_SHARED_DATA).
 * A clone elsewhere falls back to /work/shared/data; tests that need it skip when none exists.
 */
export const SHARED_DATA: string = [
  process.env.WANGGE_SHARED_DATA,
  path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../../shared/data'),
  '/work/shared/data',
].filter((p): p is string => Boolean(p)).find((p) => fs.existsSync(p)) ?? '/work/shared/data';
