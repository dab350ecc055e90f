import { useEffect } from 'react';
import type { Lang } from '../../i18n/index.ts';
import { useT } from '../../i18n/index.ts';
import type { ChainLink, Located } from './api.ts';

export type CardState =
  | { status: 'loading' }
  | { status: 'found'; located: Located }
  | { status: 'outside' }
  | { status: 'error'; message: string };

/**
 * The public card of the smallest grid under a click: name, code, tier, the chain above it and
 * the responsible officer's public contact, exactly as /api/locate gives them (no private phone).
 */
export function GridCard(props: { state: CardState; lang: Lang; onClose(): void }) {
  const t = useT();
  const { state, lang, onClose } = props;

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => { if (e.key === 'Escape') onClose(); };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [onClose]);

  const name = (l: ChainLink) => (lang === 'en' && l.nameEn ? l.nameEn : l.name);
  const tierName = (l: ChainLink) => (lang === 'en' ? l.tierNameEn ?? l.tierName : l.tierName) ?? t('tierFallback', { n: l.tier });

  let body;
  if (state.status === 'loading') body = <p className="muted">{t('loading')}</p>;
  else if (state.status === 'outside') body = <p className="muted">{t('outsideGrids')}</p>;
  else if (state.status === 'error') body = <p className="error">{t('locateFailed', { message: state.message })}</p>;
  else {
    const { chain, officer } = state.located;
    const unit = chain[chain.length - 1];
    const above = chain.slice(0, -1);
    const officerGrid = officer && officer.gridCode !== unit.code ? chain.find((l) => l.code === officer.gridCode) : undefined;
    body = (
      <>
        <div className="tier">{tierName(unit)}</div>
        <h3 data-testid="grid-card-name">{name(unit)}</h3>
        <div className="code">{t('gridCode')} <code data-testid="grid-card-code">{unit.code}</code></div>
        {above.length > 0 && <div className="chain">{above.map(name).join(' › ')}</div>}
        <div className="officer" data-testid="grid-card-officer">
          {officer ? (
            <>
              <div className="role">{officer.role === 'head' ? t('roleHead') : t('roleOfficer')}{officerGrid ? ` · ${t('officerOf', { grid: name(officerGrid) })}` : ''}</div>
              <strong>{officer.name}</strong>
              {officer.publicContact
                ? <div>{t('publicContact')} <a href={`tel:${officer.publicContact.replace(/[^\d+]/g, '')}`}>{officer.publicContact}</a></div>
                : <div className="muted">{t('noPublicContact')}</div>}
            </>
          ) : <span className="muted">{t('noOfficer')}</span>}
        </div>
      </>
    );
  }

  return (
    <section className="panorama-card" data-testid="grid-card" aria-label={t('gridCard')} aria-live="polite">
      <button type="button" className="close" aria-label={t('close')} title={t('close')} onClick={onClose}>×</button>
      {body}
    </section>
  );
}
