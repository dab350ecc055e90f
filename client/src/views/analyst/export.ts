/**
 * PNG export of the map with its legend, title and attribution. MapLibre is created without
 * `preserveDrawingBuffer` (it costs every frame), so the WebGL canvas is only readable while a
 * frame is being drawn: we ask for a repaint and copy the canvas inside the 'render' event, when
 * the basemap and the interleaved deck.gl layers are both in the buffer. The copy is composed
 * with the legend on a 2D canvas.
 */
import type { Map as MlMap } from 'maplibre-gl';
import type { LegendModel } from './classes.ts';
import { css } from './Legend.tsx';

export interface ExportText { title: string; subtitle: string; attribution: string }

/** A copy of the map canvas taken inside a render pass. */
export function captureMap(map: MlMap, timeoutMs = 10_000): Promise<HTMLCanvasElement> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the map did not render')), timeoutMs);
    map.once('render', () => {
      clearTimeout(timer);
      const src = map.getCanvas();
      const copy = document.createElement('canvas');
      copy.width = src.width;
      copy.height = src.height;
      copy.getContext('2d')!.drawImage(src, 0, 0);
      resolve(copy);
    });
    map.triggerRepaint();
  });
}

export async function composePng(map: MlMap, legend: LegendModel, text: ExportText): Promise<Blob> {
  const shot = await captureMap(map);
  const scale = shot.width / Math.max(1, map.getContainer().clientWidth);
  const out = document.createElement('canvas');
  out.width = shot.width;
  out.height = shot.height;
  const ctx = out.getContext('2d')!;
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, out.width, out.height);
  ctx.drawImage(shot, 0, 0);
  ctx.scale(scale, scale);
  const w = out.width / scale;
  const h = out.height / scale;
  const font = (px: number, bold = false) => `${bold ? '600 ' : ''}${px}px system-ui, "Noto Sans CJK SC", "Microsoft YaHei", sans-serif`;

  // Title, top left.
  ctx.font = font(16, true);
  const titleW = Math.max(ctx.measureText(text.title).width, (ctx.font = font(12), ctx.measureText(text.subtitle).width));
  panel(ctx, 10, 10, titleW + 20, 48);
  ctx.fillStyle = '#1d2330';
  ctx.font = font(16, true);
  ctx.fillText(text.title, 20, 31);
  ctx.font = font(12);
  ctx.fillStyle = '#5b6475';
  ctx.fillText(text.subtitle, 20, 49);

  drawLegend(ctx, legend, 10, h - 30, font);

  // Attribution, bottom right, as the map shows it.
  ctx.font = font(11);
  const aw = ctx.measureText(text.attribution).width;
  panel(ctx, w - aw - 16, h - 22, aw + 12, 18, 0.85);
  ctx.fillStyle = '#333';
  ctx.fillText(text.attribution, w - aw - 10, h - 9);

  return new Promise((resolve, reject) => out.toBlob((b) => (b ? resolve(b) : reject(new Error('toBlob gave nothing'))), 'image/png'));
}

function panel(ctx: CanvasRenderingContext2D, x: number, y: number, w: number, h: number, alpha = 0.94) {
  ctx.fillStyle = `rgba(255, 255, 255, ${alpha})`;
  ctx.strokeStyle = '#d9dce3';
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.roundRect(x, y, w, h, 6);
  ctx.fill();
  ctx.stroke();
}

/** The legend model drawn with its bottom-left corner at (x, bottom). */
function drawLegend(ctx: CanvasRenderingContext2D, m: LegendModel, x: number, bottom: number, font: (px: number, bold?: boolean) => string) {
  const row = 18;
  ctx.font = font(12);
  const labelW = Math.max(120, ...m.items.map((it) => ctx.measureText(`${it.label}${it.count !== undefined ? `  ${it.count}` : ''}`).width + 28));
  ctx.font = font(13, true);
  const width = Math.max(labelW, ctx.measureText(m.title).width, m.gradient ? 180 : 0) + 20;
  const noteLines = m.note ? wrap(ctx, m.note, width - 20, font(11)) : [];
  const height = 28 + m.items.length * row + (m.gradient ? 26 : 0) + noteLines.length * 14 + 6;
  const top = bottom - height;
  panel(ctx, x, top, width, height);
  let y = top + 20;
  ctx.fillStyle = '#1d2330';
  ctx.font = font(13, true);
  ctx.fillText(m.title, x + 10, y);
  y += 8;
  if (m.gradient) {
    const g = ctx.createLinearGradient(x + 10, 0, x + width - 10, 0);
    m.gradient.colours.forEach((c, i) => g.addColorStop(i / (m.gradient!.colours.length - 1), css(c)));
    ctx.fillStyle = g;
    ctx.fillRect(x + 10, y, width - 20, 10);
    ctx.fillStyle = '#5b6475';
    ctx.font = font(11);
    ctx.fillText(m.gradient.low, x + 10, y + 22);
    ctx.fillText(m.gradient.high, x + width - 10 - ctx.measureText(m.gradient.high).width, y + 22);
    y += 26;
  }
  ctx.font = font(12);
  for (const it of m.items) {
    ctx.fillStyle = css(it.colour);
    ctx.fillRect(x + 10, y + 3, 14, 12);
    ctx.strokeStyle = 'rgba(0, 0, 0, 0.25)';
    ctx.strokeRect(x + 10, y + 3, 14, 12);
    ctx.fillStyle = '#1d2330';
    ctx.fillText(it.label, x + 30, y + 13);
    if (it.count !== undefined) {
      const c = it.count.toLocaleString();
      ctx.fillText(c, x + width - 10 - ctx.measureText(c).width, y + 13);
    }
    y += row;
  }
  ctx.fillStyle = '#5b6475';
  ctx.font = font(11);
  for (const line of noteLines) { y += 14; ctx.fillText(line, x + 10, y); }
}

/** Greedy line breaking between words, and between any two Chinese characters. */
function wrap(ctx: CanvasRenderingContext2D, text: string, max: number, f: string): string[] {
  ctx.font = f;
  const tokens = text.match(/[\u2e80-\u9fff\uff00-\uffef]|[^\s\u2e80-\u9fff\uff00-\uffef]+|\s+/g) ?? [];
  const lines: string[] = [];
  let line = '';
  for (const tok of tokens) {
    if (line && ctx.measureText(line + tok).width > max) { lines.push(line.trim()); line = tok.trimStart(); } else line += tok;
  }
  if (line.trim()) lines.push(line.trim());
  return lines;
}

export { saveBlob as download } from '../../api/download.ts';
