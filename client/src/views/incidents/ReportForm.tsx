import { useEffect, useState } from 'react';
import { ApiError } from '../../api/client.ts';
import { useT, type Lang } from '../../i18n/index.ts';
import { newIdempotencyKey, parseCoordinate, PHOTO_TYPES, photoProblem, REPORT_CRS, reportIncident, SOURCES, uploadPhoto, type Category, type Incident, type ReportCrs } from './api.ts';
import { categoryLabel, chainLabel } from './format.ts';

/**
 * The report form (采集上报): where (a click on the map, or typed coordinates in WGS84 or
 * GCJ-02 as Chinese map apps give them), what (two-level category), a description and the
 * source. One Idempotency-Key per filled form: a retry after a lost answer gives the same case.
 */
export function ReportForm(props: {
  categories: Category[];
  pick: [number, number] | null;
  token: string | null;
  lang: Lang;
  onPickTyped(p: [number, number] | null): void;
  onReported(incident: Incident): void;
}) {
  const t = useT();
  const { lang } = props;
  const [lng, setLng] = useState('');
  const [lat, setLat] = useState('');
  const [crs, setCrs] = useState<ReportCrs>('WGS84');
  const [major, setMajor] = useState('');
  const [minor, setMinor] = useState('');
  const [description, setDescription] = useState('');
  const [source, setSource] = useState<string>('patrol');
  const [contact, setContact] = useState('');
  const [key, setKey] = useState(newIdempotencyKey);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<Incident | null>(null);
  const [photos, setPhotos] = useState<File[]>([]);
  const [photoInput, setPhotoInput] = useState(0);
  const [photoNotes, setPhotoNotes] = useState<string[]>([]);

  // A map click fills the coordinates; the map is WGS84, so the CRS follows.
  useEffect(() => {
    if (!props.pick) return;
    setLng(String(props.pick[0]));
    setLat(String(props.pick[1]));
    setCrs('WGS84');
    setError(null);
  }, [props.pick]);

  const minors = props.categories.find((c) => c.code === major)?.children ?? [];
  const x = parseCoordinate(lng, 'lng');
  const y = parseCoordinate(lat, 'lat');
  const photoErrors = photos.flatMap((f) => {
    const problem = photoProblem(f);
    return problem ? [t('inc_photoFailed', { name: f.name, message: t(problem === 'tooBig' ? 'inc_photoTooBig' : 'inc_photoBadType') })] : [];
  });
  const ready = x !== null && y !== null && !!minor && !busy && photoErrors.length === 0;

  // Typed WGS84 coordinates show on the map too (GCJ-02 is converted by the server, not drawn here).
  const onTyped = (nextLng: string, nextLat: string, nextCrs: ReportCrs) => {
    const a = parseCoordinate(nextLng, 'lng');
    const b = parseCoordinate(nextLat, 'lat');
    if (nextCrs === 'WGS84' && a !== null && b !== null) props.onPickTyped([a, b]);
  };

  const submit = async () => {
    if (!ready || x === null || y === null) return;
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      const incident = await reportIncident({ lng: x, lat: y, crs, category: minor, description: description.trim(), source, reporterContact: contact.trim() || undefined }, key, props.token);
      // Photos go up after the case exists, one at a time; a refused one does not undo the report.
      const notes: string[] = [];
      let attached = 0;
      for (const file of photos) {
        try {
          await uploadPhoto(incident.id, file, props.token);
          attached++;
        } catch (err) {
          notes.push(t('inc_photoFailed', { name: file.name, message: (err as Error).message }));
        }
      }
      if (attached) notes.unshift(t('inc_photosAttached', { n: attached }));
      setPhotoNotes(notes);
      setPhotos([]);
      setPhotoInput((n) => n + 1);
      setDone(incident);
      // The next report is a new one: a new key, a clean form (keeping category and source for a patrol's run).
      setKey(newIdempotencyKey());
      setDescription('');
      setContact('');
      setLng('');
      setLat('');
      props.onReported(incident);
    } catch (err) {
      const e = err as Error;
      setError(e instanceof ApiError && e.code === 'outside_grids' ? t('inc_outsideGrids') : e instanceof ApiError && e.code === 'unknown_category' ? t('inc_unknownCategory') : e.message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="inc-report" data-testid="inc-report" onSubmit={(e) => { e.preventDefault(); void submit(); }}>
      <h3>{t('inc_reportTitle')}</h3>
      <p className="muted">{t('inc_reportWhere')}</p>
      <div className="coords">
        <label>{t('inc_lng')}<input data-testid="inc-r-lng" inputMode="decimal" value={lng} onChange={(e) => { setLng(e.target.value); onTyped(e.target.value, lat, crs); }} /></label>
        <label>{t('inc_lat')}<input data-testid="inc-r-lat" inputMode="decimal" value={lat} onChange={(e) => { setLat(e.target.value); onTyped(lng, e.target.value, crs); }} /></label>
        <label>{t('inc_crs')}
          <select data-testid="inc-r-crs" value={crs} onChange={(e) => { const c = e.target.value as ReportCrs; setCrs(c); if (c !== 'WGS84') props.onPickTyped(null); else onTyped(lng, lat, c); }}>
            {REPORT_CRS.map((c) => <option key={c} value={c}>{t(c === 'WGS84' ? 'inc_crsWgs84' : 'inc_crsGcj02')}</option>)}
          </select>
        </label>
      </div>
      {(lng && x === null) || (lat && y === null) ? <p className="error">{t('inc_badCoordinates')}</p> : null}
      <label>{t('inc_majorCategory')}
        <select data-testid="inc-r-major" value={major} onChange={(e) => { setMajor(e.target.value); setMinor(''); }}>
          <option value="">{t('inc_choose')}</option>
          {props.categories.map((c) => <option key={c.code} value={c.code}>{categoryLabel(c, lang)}</option>)}
        </select>
      </label>
      <label>{t('inc_minorCategory')}
        <select data-testid="inc-r-minor" value={minor} disabled={!major} onChange={(e) => setMinor(e.target.value)}>
          <option value="">{t('inc_choose')}</option>
          {minors.map((c) => <option key={c.code} value={c.code}>{categoryLabel(c, lang)}</option>)}
        </select>
      </label>
      <label>{t('inc_description')}
        <textarea data-testid="inc-r-description" rows={3} maxLength={4000} value={description} onChange={(e) => setDescription(e.target.value)} />
      </label>
      <label>{t('inc_source')}
        <select data-testid="inc-r-source" value={source} onChange={(e) => setSource(e.target.value)}>
          {SOURCES.map((s) => <option key={s} value={s}>{t(`inc_src_${s}`)}</option>)}
        </select>
      </label>
      <label>{t('inc_contactOptional')}
        <input data-testid="inc-r-contact" maxLength={200} value={contact} onChange={(e) => setContact(e.target.value)} />
      </label>
      <label>{t('inc_photosOptional')}
        <input key={photoInput} type="file" data-testid="inc-r-photos" multiple accept={PHOTO_TYPES.join(',')}
          onChange={(e) => setPhotos(Array.from(e.target.files ?? []))} />
      </label>
      {photoErrors.map((m) => <p key={m} className="error">{m}</p>)}
      <div className="row">
        <button type="submit" className="primary" data-testid="inc-r-submit" disabled={!ready}>{busy ? t('inc_sending') : t('inc_submitReport')}</button>
      </div>
      {error && <p className="error" role="alert" data-testid="inc-r-error">{error}</p>}
      {done && (
        <p className="ok" role="status" data-testid="inc-r-done">
          {t('inc_reported', { id: done.id })} {done.gridChain.map((c) => chainLabel(c, lang)).join(' › ')}
        </p>
      )}
      {done && photoNotes.map((m) => <p key={m} className="muted" data-testid="inc-r-photo-note">{m}</p>)}
    </form>
  );
}
