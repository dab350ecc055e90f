/**
 * The wall's map views besides the incident lights: the Gi* hot and cold spots and a kernel
 * heatmap of the last 30 days, on H3 cells. The layers and colours are the analyst's, so a
 * hot spot looks the same on the wall as on the analyst's desk.
 */
import { useT } from '../../i18n/index.ts';
import { css } from '../analyst/Legend.tsx';
import { GI_CLASSES, GI_COLOURS, giLabelKey, HEAT_RANGE, RES_SIZES } from '../analyst/classes.ts';
import type { GiUnit, H3Cell } from '../analyst/api.ts';
import type { WallView } from './params.ts';

export interface WallGi { res?: number; features: GiUnit[]; summary: { features: number; hot: number; cold: number } }
export interface WallH3 { res: number; total: number; cells: H3Cell[] }


export function ViewLegend(props: { view: WallView; gi: WallGi | null; giError: string | null; h3: WallH3 | null }) {
  const t = useT();
  if (props.view === 'hotspots') {
    const counts = new Map<number, number>();
    for (const u of props.gi?.features ?? []) counts.set(u.gi_class, (counts.get(u.gi_class) ?? 0) + 1);
    return (
      <section className="panel view-legend" data-testid="wall-legend">
        <h3>{t('wallView_hotspots')}</h3>
        {!props.gi && props.giError ? <p>{t('wallViewEmpty')}</p> : (
          <ul>
            {GI_CLASSES.filter((c) => c !== 0).map((c) => (
              <li key={c}><span className="swatch" style={{ background: css(GI_COLOURS[c]) }} />{t(giLabelKey(c))} <b>{counts.get(c) ?? 0}</b></li>
            ))}
          </ul>
        )}
        {props.gi && <small>{t('wallViewNote', { n: props.gi.summary.features, res: props.gi.res ?? '', size: RES_SIZES[props.gi.res ?? 0] ?? '' })}</small>}
      </section>
    );
  }
  if (props.view === 'heat') {
    return (
      <section className="panel view-legend" data-testid="wall-legend">
        <h3>{t('wallView_heat')}</h3>
        <div className="heat-ramp" style={{ background: `linear-gradient(90deg, ${HEAT_RANGE.map((c) => css(c)).join(', ')})` }} />
        <div className="heat-ends"><span>{t('an_heatLow')}</span><span>{t('an_heatHigh')}</span></div>
        {props.h3 && <small>{t('wallViewNote', { n: props.h3.cells.length, res: props.h3.res, size: RES_SIZES[props.h3.res] ?? '' })}</small>}
      </section>
    );
  }
  return null;
}
