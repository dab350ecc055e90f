import { createContext, useContext } from 'react';
import { en } from './en.ts';
import { zh } from './zh.ts';

export type Lang = 'zh-CN' | 'en';
export type MessageKey = keyof typeof zh;
export const messages: Record<Lang, Record<MessageKey, string>> = { 'zh-CN': zh, en };

/** The language from ?lang=, then the last choice, then the browser; zh-CN by default. */
export function initialLang(): Lang {
  const fromUrl = new URLSearchParams(location.search).get('lang');
  if (fromUrl === 'en' || fromUrl === 'zh-CN') return fromUrl;
  const saved = localStorage.getItem('wangge.lang');
  if (saved === 'en' || saved === 'zh-CN') return saved;
  return navigator.language.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

export function translate(lang: Lang, key: MessageKey, vars: Record<string, string | number> = {}): string {
  return messages[lang][key].replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? `{${k}}`));
}

export const LangContext = createContext<{ lang: Lang; setLang(lang: Lang): void }>({ lang: 'zh-CN', setLang: () => undefined });

/** `const t = useT(); t('signIn')` */
export function useT(): (key: MessageKey, vars?: Record<string, string | number>) => string {
  const { lang } = useContext(LangContext);
  return (key, vars) => translate(lang, key, vars);
}
