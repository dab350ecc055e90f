import { lazy, Suspense, useState } from 'react';
import { loadSession, saveSession, type Session } from './api/client.ts';
import { initialLang, LangContext, translate, type Lang } from './i18n/index.ts';
import { Panorama } from './views/Panorama.tsx';
import { SignIn } from './views/SignIn.tsx';

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

  if (location.pathname.replace(/\/+$/, '') === '/wall') {
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
        <div className="brand"><span className="logo" aria-hidden="true">▦</span> {t('appName')} <small>{t('appTagline')}</small></div>
        <div className="spacer" />
        <button type="button" data-testid="lang-switch" onClick={() => setLang(lang === 'en' ? 'zh-CN' : 'en')}>{t('language')}</button>
        {session
          ? <button type="button" onClick={() => { saveSession(null); setSession(null); }}>{t('signOut')} · {session.username}</button>
          : <button type="button" className="primary" onClick={() => setSigningIn(true)}>{t('signIn')}</button>}
      </header>
      <Panorama key={session?.token ?? 'public'} session={session} />
      {signingIn && <SignIn onDone={(s) => { setSigningIn(false); if (s) { saveSession(s); setSession(s); } }} />}
    </LangContext.Provider>
  );
}
