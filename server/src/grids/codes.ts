/**
 * Grid codes in the order the standards number them: west to east, north to south (e.g.
 * Beijing's unit-grid code = 6-digit district + 3 street + 3 community + 3-digit sequence).
 * Grids are cut into rows of equal height from the north, as many rows as √n; within a row
 * they are numbered from the west.
 */
export interface CodeItem {
  /** Any point that stands for the grid (its bounding box centre). */
  x: number;
  y: number;
}

/** The order in which the items get consecutive numbers: indexes into items. */
export function standardOrder(items: CodeItem[]): number[] {
  if (items.length === 0) return [];
  const north = Math.max(...items.map((i) => i.y));
  const south = Math.min(...items.map((i) => i.y));
  const height = north - south;
  const rows = Math.max(1, Math.ceil(Math.sqrt(items.length)));
  const row = (i: CodeItem) => (height === 0 ? 0 : Math.min(rows - 1, Math.floor(((north - i.y) / height) * rows)));
  return items
    .map((item, index) => ({ index, row: row(item), x: item.x, y: item.y }))
    .sort((a, b) => a.row - b.row || a.x - b.x || b.y - a.y || a.index - b.index)
    .map((e) => e.index);
}

/**
 * Codes for items: `prefix` + zero-padded sequence (3 digits, more when needed) from `start`,
 * in the standard order, skipping sequence numbers in `taken`.
 */
export function generateCodes(prefix: string, items: CodeItem[], opts: { start?: number; taken?: Set<string>; width?: number } = {}): string[] {
  const order = standardOrder(items);
  const width = Math.max(opts.width ?? 3, String((opts.start ?? 1) + items.length + (opts.taken?.size ?? 0)).length);
  const codes: string[] = new Array(items.length);
  let seq = opts.start ?? 1;
  for (const index of order) {
    let code = prefix + String(seq).padStart(width, '0');
    while (opts.taken?.has(code)) code = prefix + String(++seq).padStart(width, '0');
    codes[index] = code;
    seq++;
  }
  return codes;
}

/** The highest numeric sequence after `prefix` among codes (0 when none). */
export function maxSequence(prefix: string, codes: Iterable<string>): number {
  let max = 0;
  for (const c of codes) {
    if (!c.startsWith(prefix)) continue;
    const n = Number(c.slice(prefix.length));
    if (Number.isInteger(n) && n > max) max = n;
  }
  return max;
}
