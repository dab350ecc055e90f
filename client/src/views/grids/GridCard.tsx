import type { Lang } from '../../i18n/index.ts';
import { useT } from '../../i18n/index.ts';
import type { GridDetail } from './api.ts';
import { area, num } from './format.ts';

export type CardState = { status: 'loading'; code: string } | { status: 'found'; grid: GridDetail } | { status: 'error'; code: string; message: string };

/** The grid card of the grids view: chain, staff (phones for the roles that may see them), figures. */
export function GridCard(props: { state: CardState; lang: Lang; onClose(): void }) {
  const t = useT();
  const { state, lang } = props;
  const en = lang === 'en';
  return (
    <section className="grids-card" data-testid="grids-card" aria-label={t('grd_card')}>
      <button type="button" className="close" aria-label={t('close')} onClick={props.onClose}>×</button>
      {state.status === 'loading' && <p className="muted">{t('loading')} {state.code}</p>}
      {state.status === 'error' && <p className="error">{state.code}: {state.message}</p>}
      {state.status === 'found' && (() => {
        const g = state.grid;
        const tierLink = g.chain.find((c) => c.code === g.code);
        const tierName = (en ? tierLink?.tierNameEn : tierLink?.tierName) ?? g.tierName ?? t('tierFallback', { n: g.tier });
        return (
          <>
            <div className="tier">{tierName} · {g.code}</div>
            <h3>{en ? g.nameEn ?? g.name : g.name}</h3>
            <ol className="chain" aria-label={t('grd_chain')}>
              {g.chain.map((c) => <li key={c.code}>{en ? c.nameEn ?? c.name : c.name} <span className="muted">{c.code}</span></li>)}
            </ol>
            <dl className="figures">
              <dt>{t('grd_households')}</dt>
              <dd data-testid="card-households">{num(lang, g.households)}{g.householdsOverride !== null && <span className="muted"> ({t('grd_override')}: {g.householdsOverrideReason})</span>}</dd>
              <dt>{t('grd_population')}</dt><dd>{num(lang, g.population)}</dd>
              <dt>{t('grd_area')}</dt><dd>{area(lang, g.areaM2)}</dd>
              <dt>{t('grd_density')}</dt><dd>{num(lang, g.densityPerKm2, 1)}</dd>
              <dt>{t('grd_open')}</dt><dd data-testid="card-open">{num(lang, g.incidents.open)}</dd>
              <dt>{t('grd_overdue')}</dt><dd>{num(lang, g.incidents.overdue)}</dd>
              <dt>{t('grd_closedThisPeriod')}</dt><dd>{num(lang, g.incidents.closedThisPeriod)}</dd>
              <dt>{t('grd_open100')}</dt><dd>{num(lang, g.incidents.per100Households, 2)}</dd>
              {g.children > 0 && <><dt>{t('grd_children')}</dt><dd>{num(lang, g.children)}</dd></>}
            </dl>
            <div className="staff">
              {g.staff.length === 0 && <p className="muted">{t('grd_noStaff')}</p>}
              {g.staff.map((s, i) => (
                <div key={i} className="person">
                  <span className="role">{t(s.role === 'head' ? 'roleHead' : 'roleOfficer')}</span> <strong>{s.name}</strong>
                  {s.phone && <span> · <a href={`tel:${s.phone}`}>{s.phone}</a></span>}
                  {!s.phone && s.publicContact && <span className="muted"> · {s.publicContact}</span>}
                </div>
              ))}
            </div>
          </>
        );
      })()}
    </section>
  );
}
