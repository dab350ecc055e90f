import type { Figures } from './api.ts';

export interface ChartText {
  title: string;
  score: string;
  onTime: string;
  /** Between the top and the bottom of a long ranking. */
  gap: string;
  /** The group's label for a row. */
  label(row: Figures): string;
}

export const CHART_COLOURS = { score: '#1f6fb2', onTime: '#c8102e', grid: '#d9dce3', ink: '#1d2330', muted: '#5b6475', background: '#ffffff' } as const;
const ROW = 22;
const TOP = 44;
const LEFT = 150;
const RIGHT = 56;
/** Rows drawn at most: the top and the bottom of a long ranking, which are what leaders look at. */
export const CHART_MAX_ROWS = 30;

/** The rows the chart draws: all of a short ranking; the first and last 15 of a long one, with a gap (null) between. */
export function chartRows(rows: Figures[]): (Figures | null)[] {
  if (rows.length <= CHART_MAX_ROWS) return rows;
  const half = CHART_MAX_ROWS / 2;
  return [...rows.slice(0, half), null, ...rows.slice(rows.length - half)];
}

/** The canvas height for a ranking of this many rows. */
export function chartHeight(rows: number): number {
  return TOP + Math.max(1, Math.min(rows, CHART_MAX_ROWS + 1)) * ROW + 28;
}

/**
 * The ranking as horizontal bars on a 2D canvas: score 0–100 as a bar, on-time rate as a red
 * tick on the same 0–100 axis. Drawn with a white background so the PNG export stands alone.
 */
export function drawRankingChart(ctx: CanvasRenderingContext2D, width: number, rows: Figures[], text: ChartText): void {
  const shown = chartRows(rows);
  const height = chartHeight(rows.length);
  ctx.save();
  ctx.fillStyle = CHART_COLOURS.background;
  ctx.fillRect(0, 0, width, height);
  ctx.font = '600 14px system-ui, "Noto Sans CJK SC", sans-serif';
  ctx.fillStyle = CHART_COLOURS.ink;
  ctx.textBaseline = 'middle';
  ctx.fillText(text.title, 8, 14);
  // Legend.
  ctx.font = '12px system-ui, "Noto Sans CJK SC", sans-serif';
  ctx.fillStyle = CHART_COLOURS.score;
  ctx.fillRect(8, 28, 12, 10);
  ctx.fillStyle = CHART_COLOURS.ink;
  ctx.fillText(text.score, 24, 33);
  const legendX = 24 + ctx.measureText(text.score).width + 16;
  ctx.fillStyle = CHART_COLOURS.onTime;
  ctx.fillRect(legendX, 27, 3, 12);
  ctx.fillStyle = CHART_COLOURS.ink;
  ctx.fillText(text.onTime, legendX + 8, 33);

  const plotW = Math.max(40, width - LEFT - RIGHT);
  const x = (v: number) => LEFT + (Math.max(0, Math.min(100, v)) / 100) * plotW;
  // Axis grid at 0, 25, 50, 75, 100.
  ctx.strokeStyle = CHART_COLOURS.grid;
  ctx.fillStyle = CHART_COLOURS.muted;
  ctx.textAlign = 'center';
  for (let v = 0; v <= 100; v += 25) {
    ctx.beginPath();
    ctx.moveTo(x(v) + 0.5, TOP - 2);
    ctx.lineTo(x(v) + 0.5, TOP + shown.length * ROW);
    ctx.stroke();
    ctx.fillText(String(v), x(v), TOP + shown.length * ROW + 12);
  }
  shown.forEach((row, i) => {
    const y = TOP + i * ROW;
    if (!row) {
      ctx.textAlign = 'right';
      ctx.fillStyle = CHART_COLOURS.muted;
      ctx.fillText(text.gap, LEFT - 8, y + ROW / 2);
      return;
    }
    ctx.textAlign = 'right';
    ctx.fillStyle = CHART_COLOURS.ink;
    ctx.fillText(truncate(ctx, `${row.rank ?? '–'}. ${text.label(row)}`, LEFT - 10), LEFT - 8, y + ROW / 2);
    if (row.score !== null) {
      ctx.fillStyle = CHART_COLOURS.score;
      ctx.fillRect(LEFT, y + 4, x(row.score) - LEFT, ROW - 8);
      // Values in their own column right of the axis, clear of the bars and the on-time ticks.
      ctx.textAlign = 'left';
      ctx.fillStyle = CHART_COLOURS.ink;
      ctx.fillText(row.score.toFixed(1), x(100) + 8, y + ROW / 2);
    }
    if (row.onTimeRate !== null) {
      ctx.fillStyle = CHART_COLOURS.onTime;
      ctx.fillRect(x(row.onTimeRate) - 1, y + 2, 3, ROW - 4);
    }
  });
  ctx.restore();
}

function truncate(ctx: CanvasRenderingContext2D, s: string, max: number): string {
  if (ctx.measureText(s).width <= max) return s;
  let t = s;
  while (t.length > 1 && ctx.measureText(`${t}…`).width > max) t = t.slice(0, -1);
  return `${t}…`;
}
