import { useEffect, useState } from 'react';
import type { Session } from '../api/client.ts';
import { loadJurisdiction, type JurisdictionInfo } from '../api/jurisdiction.ts';
import { LangContext, useT } from '../i18n/index.ts';
import { MapView, type MapState } from '../map/MapView.tsx';
import { useContext } from 'react';

/** The three-tier panorama: the map every other view sits on. */
export function Panorama(props: { session: Session | null }) {
  const t = useT();
  const { lang } = useContext(LangContext);
  const [jurisdiction, setJurisdiction] = useState<JurisdictionInfo | null>(null);
  const [state, setState] = useState<{ tier: number; zoom: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const token = props.session?.token ?? null;

  useEffect(() => {
    void loadJurisdiction(token).then(setJurisdiction);
  }, [token]);

  const tiers = Math.max(jurisdiction?.tiers.length ?? 0, 3);
  const tierInfo = jurisdiction?.tiers.find((x) => x.level === state?.tier);
  const tierName = tierInfo ? (lang === 'en' ? tierInfo.nameEn : `${tierInfo.name}`) : t('tierFallback', { n: state?.tier ?? 1 });

  return (
    <main className="view">
      <MapView token={token} lang={lang} theme="light" tiers={tiers} attribution={t('attribution')}
        onState={(s: MapState) => setState({ tier: s.tier, zoom: s.zoom })} onError={setError} />
      <div className="tier-badge" data-testid="tier-badge" aria-live="polite">
        <span className="label">{t('tierInView')}</span>
        <strong>{tierName}</strong>
        {jurisdiction && <span className="place">{lang === 'en' ? jurisdiction.nameEn ?? jurisdiction.name : jurisdiction.name}</span>}
      </div>
      {!props.session && <div className="hint">{t('figuresNeedRole')}</div>}
      {error && <div className="toast error">{t('mapError', { message: error })}</div>}
    </main>
  );
}
