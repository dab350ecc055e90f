import { lazy, Suspense, useState } from 'react';
import { loadSession, saveSession, type Session } from './api/client.ts';
import { initialLang, LangContext, translate, type Lang } from './i18n/index.ts';
import { Panorama } from './views/Panorama.tsx';
import { SignIn } from './views/SignIn.tsx';
import { VIEW_ROUTES } from './views/routes.ts';
import { INCIDENTS_TILESET, prefetchTileJson } from './map/tilesets.ts';
import { kioskToken } from './views/wall/params.ts';

// The wall is its own screen with its own code: loaded only when /wall is opened.
const Wall = lazy(() => import('./views/wall/Wall.tsx'));

export function App() {
  const [lang, setLangState] = useState<Lang>(initialLang);
  const [session, setSession] = useState<Session | null>(loadSession);
  const [signingIn, setSigningIn] = useState(false);
  const t = (key: Parameters<typeof translate>[1]) => translate(lang, key);
  const setLang = (l: Lang) => {
    localStorage.setItem('wangge.lang', l);
    document.documentElement.lang = l;
    setLangState(l);
  };

  const path = location.pathname.replace(/\/+$/, '');
  const route = VIEW_ROUTES.find((r) => r.path === path) ?? null;
  if (path === '/wall') {
    // What the wall's map needs, asked for while the wall's code downloads.
    const token = kioskToken(location.search) ?? session?.token ?? null;
    prefetchTileJson(token ? ['basemap', 'grids', INCIDENTS_TILESET] : ['basemap', 'grids'], token);
    return (
      <LangContext.Provider value={{ lang, setLang }}>
        <Suspense fallback={<div className="wall-loading">{t('loading')}</div>}>
          <Wall token={session?.token ?? null} />
        </Suspense>
      </LangContext.Provider>
    );
  }

  return (
    <LangContext.Provider value={{ lang, setLang }}>
      <header className="topbar">
        <a className="brand" href="/"><span className="logo" aria-hidden="true">▦</span> {t('appName')} <small>{t('appTagline')}</small></a>
        <nav className="views" aria-label={t('views')}>
          <a href="/" className={route ? '' : 'active'}>{t('navPanorama')}</a>
          {VIEW_ROUTES.filter((r) => r.roles.length === 0 || session?.roles.some((x) => x === 'admin' || r.roles.includes(x))).map((r) => (
            <a key={r.path} href={r.path} className={route === r ? 'active' : ''}>{t(r.label)}</a>
          ))}
          {session && <a href="/wall">{t('navWall')}</a>}
        </nav>
        <div className="spacer" />
        <button type="button" data-testid="lang-switch" onClick={() => setLang(lang === 'en' ? 'zh-CN' : 'en')}>{t('language')}</button>
        {session
          ? <button type="button" onClick={() => { saveSession(null); setSession(null); }}>{t('signOut')} · {session.username}</button>
          : <button type="button" className="primary" onClick={() => setSigningIn(true)}>{t('signIn')}</button>}
      </header>
      {route
        ? <Suspense fallback={<main className="view"><p className="loading">{t('loading')}</p></main>}>
            <route.component key={session?.token ?? 'public'} session={session} requestSignIn={() => setSigningIn(true)} />
          </Suspense>
        : <Panorama key={session?.token ?? 'public'} session={session} />}
      {signingIn && <SignIn onDone={(s) => { setSigningIn(false); if (s) { saveSession(s); setSession(s); } }} />}
    </LangContext.Provider>
  );
}
