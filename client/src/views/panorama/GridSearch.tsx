import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import type { Lang } from '../../i18n/index.ts';
import { useT } from '../../i18n/index.ts';
import { searchGrids, type GridHit } from './api.ts';

const DEBOUNCE_MS = 150;

/**
 * The grid search box: a combobox over GET /api/grids?q=. Arrow keys move through the matches,
 * Enter chooses (the first match when none is marked), Escape closes the list, then clears.
 */
export function GridSearch(props: { jurisdictionId: number | null; token: string | null; lang: Lang; onChoose(hit: GridHit): void }) {
  const t = useT();
  const listId = useId();
  const [text, setText] = useState('');
  const [result, setResult] = useState<{ text: string; hits: GridHit[] } | null>(null);
  const [active, setActive] = useState(-1);
  const [open, setOpen] = useState(false);
  const [failed, setFailed] = useState<string | null>(null);
  const abortRef = useRef<AbortController | null>(null);
  const query = text.trim();

  const run = (q: string): Promise<GridHit[] | null> => {
    abortRef.current?.abort();
    const ctl = new AbortController();
    abortRef.current = ctl;
    return searchGrids(q, { jurisdictionId: props.jurisdictionId, token: props.token, signal: ctl.signal }).then(
      (hits) => {
        if (ctl.signal.aborted) return null;
        setResult({ text: q, hits });
        setFailed(null);
        return hits;
      },
      (err: Error) => {
        if (!ctl.signal.aborted) setFailed(err.message);
        return null;
      });
  };

  useEffect(() => {
    if (!query) {
      abortRef.current?.abort();
      setResult(null);
      return;
    }
    const timer = setTimeout(() => void run(query), DEBOUNCE_MS);
    return () => clearTimeout(timer);
    // `run` reads the latest props; the search reruns only when the text or jurisdiction changes.
  }, [query, props.jurisdictionId]);

  useEffect(() => () => abortRef.current?.abort(), []);

  const hits = result && result.text === query ? result.hits : null;
  const shown = open && query !== '' && hits !== null;

  const choose = (hit: GridHit) => {
    setText(label(hit, props.lang));
    setOpen(false);
    setActive(-1);
    props.onChoose(hit);
  };

  const onKeyDown = async (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      setOpen(true);
      const n = hits?.length ?? 0;
      if (n > 0) setActive((a) => (e.key === 'ArrowDown' ? (a + 1) % n : (a <= 0 ? n - 1 : a - 1)));
    } else if (e.key === 'Enter') {
      e.preventDefault();
      if (!query) return;
      // Typed faster than the debounce: search now, then take the best match.
      const list = hits ?? await run(query);
      const hit = list?.[active >= 0 && hits ? active : 0];
      if (hit) choose(hit);
      else setOpen(true);
    } else if (e.key === 'Escape') {
      // A search input clears itself on Escape; the first Escape only closes the list.
      e.stopPropagation();
      if (shown) { e.preventDefault(); setOpen(false); }
      else { setText(''); setActive(-1); }
    }
  };

  const optionId = (i: number) => `${listId}-opt-${i}`;
  return (
    <div className="panorama-search" data-testid="grid-search">
      <input
        type="search" role="combobox" aria-autocomplete="list" aria-expanded={shown} aria-controls={listId}
        aria-activedescendant={shown && active >= 0 ? optionId(active) : undefined}
        aria-label={t('searchPlaceholder')} placeholder={t('searchPlaceholder')} value={text} autoComplete="off" spellCheck={false}
        onChange={(e) => { setText(e.target.value); setOpen(true); setActive(-1); }}
        onFocus={() => setOpen(true)} onBlur={() => setOpen(false)} onKeyDown={(e) => void onKeyDown(e)} />
      <ul id={listId} role="listbox" aria-label={t('searchResults')} hidden={!shown || hits.length === 0}>
        {shown && hits.map((hit, i) => (
          <li key={hit.code} id={optionId(i)} role="option" aria-selected={i === active} data-code={hit.code}
            onMouseDown={(e) => { e.preventDefault(); choose(hit); }} onMouseEnter={() => setActive(i)}>
            <span className="name">{label(hit, props.lang)}</span>
            <span className="meta"><span className="tier">{tierLabel(hit, props.lang, t('tierFallback', { n: hit.tier }))}</span> <code>{hit.code}</code></span>
          </li>
        ))}
      </ul>
      {shown && hits.length === 0 && <div className="panorama-search-empty" role="status">{t('noMatch')}</div>}
      {failed && open && query !== '' && <div className="panorama-search-empty error" role="alert">{t('searchFailed', { message: failed })}</div>}
    </div>
  );
}

function label(hit: GridHit, lang: Lang): string {
  return lang === 'en' && hit.nameEn ? hit.nameEn : hit.name;
}

function tierLabel(hit: GridHit, lang: Lang, fallback: string): string {
  return (lang === 'en' ? hit.tierNameEn ?? hit.tierName : hit.tierName) ?? fallback;
}
