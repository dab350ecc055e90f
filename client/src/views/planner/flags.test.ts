import { describe, expect, it } from 'vitest';
import { translate, type Lang, type MessageKey } from '../../i18n/index.ts';
import { flagKey, flagWhy } from './flags.ts';

const tr = (lang: Lang) => (key: MessageKey, vars?: Record<string, string | number>) => translate(lang, key, vars);
const reason = "one building holds 269, above the band's upper bound 240";

describe('grid flags in the reader\'s language', () => {
  it('names each flag of the server in Chinese, not by its code', () => {
    expect(['tower', 'enclosed', 'empty'].map((f) => tr('zh-CN')(flagKey(f)))).toEqual(['高层住宅', '硬边界围合', '无人区域']);
  });

  it('keeps the server\'s reason with its figures in English, and explains the flag in Chinese', () => {
    expect(flagWhy('tower', reason, 'en', tr('en'))).toBe(reason);
    expect(flagWhy('tower', reason, 'zh-CN', tr('zh-CN'))).toBe('单栋建筑户数超过容差上限，单独成格');
    expect(flagWhy('enclosed', null, 'en', tr('en'))).toMatch(/enclosed by hard barriers/);
  });
});
