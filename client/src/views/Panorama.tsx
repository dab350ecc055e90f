import type { Map as MlMap, MapMouseEvent } from 'maplibre-gl';
import { useCallback, useContext, useEffect, useState } from 'react';
import type { Session } from '../api/client.ts';
import { ApiError } from '../api/client.ts';
import { loadJurisdiction, type JurisdictionInfo } from '../api/jurisdiction.ts';
import { LangContext, useT } from '../i18n/index.ts';
import { MapView, type MapState } from '../map/MapView.tsx';
import { locate, type Bounds, type GridHit } from './panorama/api.ts';
import { GridCard, type CardState } from './panorama/GridCard.tsx';
import { GridSearch } from './panorama/GridSearch.tsx';
import { showHighlight, type Highlight } from './panorama/highlight.ts';
import { Minimap } from './panorama/Minimap.tsx';
import './panorama/panorama.css';

/** The three-tier panorama: the map every other view sits on. */
export function Panorama(props: { session: Session | null }) {
  const t = useT();
  const { lang } = useContext(LangContext);
  const [jurisdiction, setJurisdiction] = useState<JurisdictionInfo | null>(null);
  const [state, setState] = useState<{ tier: number; zoom: number } | null>(null);
  const [map, setMap] = useState<MlMap | null>(null);
  const [focus, setFocus] = useState<Bounds | null>(null);
  const [highlight, setHighlight] = useState<Highlight | null>(null);
  const [card, setCard] = useState<CardState | null>(null);
  const [error, setError] = useState<string | null>(null);
  const token = props.session?.token ?? null;
  const jurisdictionId = jurisdiction?.id ?? null;

  useEffect(() => {
    void loadJurisdiction(token).then(setJurisdiction);
  }, [token]);

  const tiers = Math.max(jurisdiction?.tiers.length ?? 0, 3);
  const tierInfo = jurisdiction?.tiers.find((x) => x.level === state?.tier);
  const tierName = tierInfo ? (lang === 'en' ? tierInfo.nameEn : `${tierInfo.name}`) : t('tierFallback', { n: state?.tier ?? 1 });

  useEffect(() => {
    if (map) showHighlight(map, tiers, highlight);
  }, [map, tiers, highlight]);

  // A click anywhere in the grids opens the card of the smallest grid there (public: /api/locate).
  useEffect(() => {
    if (!map) return;
    let ctl: AbortController | null = null;
    const onClick = (e: MapMouseEvent) => {
      ctl?.abort();
      const mine = new AbortController();
      ctl = mine;
      setCard({ status: 'loading' });
      locate(e.lngLat.lng, e.lngLat.lat, { jurisdictionId, token, signal: mine.signal }).then((located) => {
        if (mine.signal.aborted) return;
        const unit = located.chain[located.chain.length - 1];
        setCard({ status: 'found', located });
        setHighlight({ code: unit.code, tier: unit.tier });
      }, (err: Error) => {
        if (mine.signal.aborted) return;
        setCard(err instanceof ApiError && err.code === 'outside_grids' ? { status: 'outside' } : { status: 'error', message: err.message });
      });
    };
    map.on('click', onClick);
    return () => { map.off('click', onClick); ctl?.abort(); };
  }, [map, jurisdictionId, token]);

  const onChoose = useCallback((hit: GridHit) => {
    setFocus(hit.bounds);
    setHighlight({ code: hit.code, tier: hit.tier });
    setCard(null);
  }, []);
  const closeCard = useCallback(() => setCard(null), []);

  return (
    <main className="view panorama">
      <MapView token={token} lang={lang} theme="light" tiers={tiers} attribution={t('attribution')} focus={focus} incidents={token !== null}
        onState={(s: MapState) => { setMap(s.map); setState({ tier: s.tier, zoom: s.zoom }); }} onError={setError} />
      <div className="panorama-side">
        <GridSearch jurisdictionId={jurisdictionId} token={token} lang={lang} onChoose={onChoose} />
        <div className="tier-badge" data-testid="tier-badge" aria-live="polite">
          <span className="label">{t('tierInView')}</span>
          <strong>{tierName}</strong>
          {jurisdiction && <span className="place">{lang === 'en' ? jurisdiction.nameEn ?? jurisdiction.name : jurisdiction.name}</span>}
        </div>
        {card && <GridCard state={card} lang={lang} onClose={closeCard} />}
      </div>
      <Minimap main={map} token={token} />
      {!props.session && <div className="hint">{t('figuresNeedRole')}</div>}
      {error && <div className="toast error">{t('mapError', { message: error })}</div>}
    </main>
  );
}
