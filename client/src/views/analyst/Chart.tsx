import { useEffect, useRef, useState } from 'react';
import { useT } from '../../i18n/index.ts';
import type { Step } from './time.ts';

export interface ChartProps {
  steps: string[];
  counts: number[];
  step: Step;
  /** The window shown on the map, as step labels (from inclusive, to exclusive); null: the whole span. */
  window: { from: string; to: string } | null;
  onPick(step: string): void;
}

const PAD = { left: 36, right: 8, top: 8, bottom: 18 };

/** Incidents per step as SVG bars; the steps inside the map's window are dark. */
export function Chart(props: ChartProps) {
  const t = useT();
  const box = useRef<HTMLDivElement>(null);
  // Drawn in CSS pixels of its box, so text keeps its size at any width.
  const [size, setSize] = useState({ w: 600, h: 110 });
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setSize({ w: Math.max(200, el.clientWidth), h: Math.max(60, el.clientHeight) }));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  const { steps, counts } = props;
  if (steps.length === 0) return <p className="analyst-chart-empty">{t('an_chartEmpty')}</p>;
  const { w: W, h: H } = size;
  const max = Math.max(1, ...counts);
  const iw = W - PAD.left - PAD.right;
  const ih = H - PAD.top - PAD.bottom;
  const bw = iw / steps.length;
  const inWindow = (s: string) => !props.window || (s >= props.window.from && s < props.window.to);
  const labelEvery = Math.max(1, Math.ceil(steps.length / Math.max(2, Math.floor(iw / 70))));
  return (
    <div className="analyst-chart-box" ref={box}>
    <svg className="analyst-chart" width={W} height={H} data-testid="analyst-chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-label={t(props.step === 'week' ? 'an_chartWeek' : 'an_chartMonth')}>
      <line x1={PAD.left} x2={W - PAD.right} y1={PAD.top + ih} y2={PAD.top + ih} className="axis" />
      <text x={PAD.left - 4} y={PAD.top + 8} className="tick" textAnchor="end">{max.toLocaleString()}</text>
      <text x={PAD.left - 4} y={PAD.top + ih} className="tick" textAnchor="end">0</text>
      {steps.map((s, i) => {
        const h = (counts[i] / max) * ih;
        return (
          <g key={s} className={inWindow(s) ? 'bar in' : 'bar'} data-step={s} onClick={() => props.onPick(s)}>
            <rect x={PAD.left + i * bw} y={PAD.top} width={bw} height={ih} className="hit" />
            <rect x={PAD.left + i * bw + Math.min(1, bw * 0.1)} y={PAD.top + ih - h} width={Math.max(1, bw - Math.min(2, bw * 0.2))} height={h} />
            <title>{`${s}: ${counts[i].toLocaleString()}`}</title>
            {i % labelEvery === 0 && <text x={PAD.left + i * bw} y={H - 4} className="tick">{props.step === 'month' ? s.slice(0, 7) : s.slice(5)}</text>}
          </g>
        );
      })}
    </svg>
    </div>
  );
}
