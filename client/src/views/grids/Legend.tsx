import type { Lang } from '../../i18n/index.ts';
import { useT } from '../../i18n/index.ts';
import { classLabel, NO_DATA, type Classes } from './classes.ts';
import { num } from './format.ts';

/** The choropleth's legend: one swatch per quantile class with its range and grid count. */
export function Legend(props: { title: string; classes: Classes | null; noData: number; total: number; lang: Lang; digits: number }) {
  const t = useT();
  const c = props.classes;
  const fmt = (x: number) => num(props.lang, x, props.digits);
  return (
    <div className="grids-legend" data-testid="grids-legend">
      <strong>{props.title}</strong>
      <span className="muted">{t('grd_quantiles', { k: c?.colours.length ?? 0 })}</span>
      {!c && <span className="muted">{t('grd_noFigures')}</span>}
      {c && (
        <ul>
          {c.colours.map((colour, i) => (
            <li key={i} data-testid="legend-class">
              <span className="swatch" style={{ background: colour }} data-colour={colour} />
              <span className="range">{classLabel(c, i, fmt)}</span>
              <span className="n">{t('grd_gridsN', { n: c.counts[i] })}</span>
            </li>
          ))}
          {props.noData > 0 && (
            <li data-testid="legend-nodata">
              <span className="swatch" style={{ background: NO_DATA }} data-colour={NO_DATA} />
              <span className="range">{t('grd_noData')}</span>
              <span className="n">{t('grd_gridsN', { n: props.noData })}</span>
            </li>
          )}
        </ul>
      )}
    </div>
  );
}
