import { useState } from 'react';
import { api } from '../../api/client.ts';
import { useT } from '../../i18n/index.ts';
import { problem, requestLog } from './api.ts';

/** One feature of POST /api/hotspots/gi's answer: the input feature with Gi* added. */
export interface OwnFeature { type: 'Feature'; geometry: unknown; properties: Record<string, unknown> & { gi_z: number | null; gi_p: number | null; gi_class: number } }
export interface OwnResult {
  type: 'FeatureCollection'; features: OwnFeature[]; warnings: string[];
  summary: { features: number; hot: number; cold: number; islands: number; srid?: number };
  /** Whether the coordinates are longitude/latitude, so the map can draw them. */
  drawable: boolean;
  field: string;
}

type Neighbours = 'knn' | 'distance' | 'contiguity';
interface Loaded { name: string; fc: { type: 'FeatureCollection'; features: { properties?: Record<string, unknown> | null; geometry?: { type?: string } | null }[] }; crs: string; fields: string[] }

/** The CRS a GeoJSON file names (the 2008 `crs` member), else RFC 7946's WGS84. */
export function fileCrs(fc: { crs?: { properties?: { name?: string } } }): string {
  return fc.crs?.properties?.name ?? 'EPSG:4326';
}

const LONLAT = /^(urn:ogc:def:crs:)?(OGC:(1\.3:)?CRS84|EPSG:(:)?(4326|4490|4258|4269))$/i;

/** Numeric properties present in every feature (numbers, or strings that are numbers). */
export function numericFields(features: { properties?: Record<string, unknown> | null }[]): string[] {
  const first = features[0]?.properties ?? {};
  return Object.keys(first).filter((k) => features.every((f) => {
    const v = f.properties?.[k];
    return typeof v === 'number' ? Number.isFinite(v) : typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v));
  }));
}

/**
 * "Check Gi* on your own data": a GeoJSON file analysed by POST /api/hotspots/gi with the
 * neighbours and permutations asked for, drawn with the same classes when in lon/lat.
 */
export function OwnData(props: { token: string; onResult(r: OwnResult): void }) {
  const t = useT();
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [field, setField] = useState('');
  const [neighbours, setNeighbours] = useState<Neighbours>('knn');
  const [k, setK] = useState(8);
  const [meters, setMeters] = useState(200);
  const [permute, setPermute] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const onFile = async (file: File | undefined) => {
    setError(null);
    setLoaded(null);
    if (!file) return;
    try {
      const fc = JSON.parse(await file.text());
      if (fc?.type !== 'FeatureCollection' || !Array.isArray(fc.features)) throw new Error('not a GeoJSON FeatureCollection');
      const fields = numericFields(fc.features);
      setLoaded({ name: file.name, fc, crs: fileCrs(fc), fields });
      setField(fields[0] ?? '');
      const polygons = fc.features.every((f: { geometry?: { type?: string } | null }) => /Polygon$/.test(f.geometry?.type ?? ''));
      setNeighbours(polygons ? 'contiguity' : 'knn');
      if (fields.length === 0) setError(t('an_ownNoFields'));
    } catch (err) {
      setError(t('an_ownBad', { message: (err as Error).message }));
    }
  };

  const run = async () => {
    if (!loaded || !field) return;
    setBusy(true);
    setError(null);
    const body = {
      crs: loaded.crs, field, permutations: permute ? 999 : 0,
      neighbours: neighbours === 'knn' ? { type: 'knn', k } : neighbours === 'distance' ? { type: 'distance', meters } : { type: 'contiguity' },
      features: loaded.fc,
    };
    try {
      requestLog.push('POST /api/hotspots/gi');
      const answer = await api<Omit<OwnResult, 'drawable' | 'field'>>('/api/hotspots/gi', { method: 'POST', token: props.token, body: JSON.stringify(body) });
      props.onResult({ ...answer, drawable: LONLAT.test(loaded.crs.trim()), field });
    } catch (err) {
      setError(problem(err).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <details className="analyst-own" data-testid="analyst-own">
      <summary>{t('an_own')}</summary>
      <p className="own-hint">{t('an_ownHint')}</p>
      <label>{t('an_ownFile')}<input type="file" accept=".geojson,.json,application/geo+json,application/json" onChange={(e) => void onFile(e.target.files?.[0])} data-testid="analyst-own-file" /></label>
      {loaded && <p className="own-hint">{t('an_ownFeatures', { n: loaded.fc.features.length, crs: loaded.crs })}</p>}
      {loaded && loaded.fields.length > 0 && (
        <>
          <div className="row">
            <label>{t('an_ownField')}
              <select value={field} onChange={(e) => setField(e.target.value)} data-testid="analyst-own-field">
                {loaded.fields.map((f) => <option key={f} value={f}>{f}</option>)}
              </select>
            </label>
            <label>{t('an_ownNeighbours')}
              <select value={neighbours} onChange={(e) => setNeighbours(e.target.value as Neighbours)} data-testid="analyst-own-neighbours">
                <option value="knn">{t('an_ownKnn')}</option><option value="distance">{t('an_ownDistance')}</option><option value="contiguity">{t('an_ownContiguity')}</option>
              </select>
            </label>
            {neighbours === 'knn' && <label>k<input type="number" min={1} max={100} value={k} onChange={(e) => setK(Number(e.target.value))} /></label>}
            {neighbours === 'distance' && <label>m<input type="number" min={1} value={meters} onChange={(e) => setMeters(Number(e.target.value))} /></label>}
          </div>
          <label className="check"><span><input type="checkbox" checked={permute} onChange={(e) => setPermute(e.target.checked)} /> {t('an_ownPermutations')}</span></label>
          <button type="button" onClick={run} disabled={busy || !field} data-testid="analyst-own-run">{busy ? t('an_loading') : t('an_ownRun')}</button>
        </>
      )}
      {error && <p className="error" data-testid="analyst-own-error">{error}</p>}
    </details>
  );
}

/** The answer as a GeoJSON download (the input with gi_z, gi_p, gi_class and gi_p_sim). */
export function ownGeoJson(r: OwnResult): Blob {
  return new Blob([JSON.stringify({ type: 'FeatureCollection', features: r.features })], { type: 'application/geo+json' });
}
