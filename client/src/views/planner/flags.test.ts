import { describe, expect, it } from 'vitest';
import { translate, type Lang, type MessageKey } from '../../i18n/index.ts';
import type { FlagDetail } from './api.ts';
import { crossedWhy, flagKey, flagWhy } from './flags.ts';

const tr = (lang: Lang) => (key: MessageKey, vars?: Record<string, string | number>) => translate(lang, key, vars);
const reason = "one building holds 269, above the band's upper bound 240";
const why = (flagDetail: FlagDetail, lang: Lang, flag = 'tower') => flagWhy({ flag, flagReason: 'server text', flagDetail }, lang, tr(lang));

describe('grid flags in the reader\'s language', () => {
  it('names each flag of the server in Chinese, not by its code', () => {
    expect(['tower', 'enclosed', 'empty'].map((f) => tr('zh-CN')(flagKey(f)))).toEqual(['高层住宅', '硬边界围合', '无人区域']);
  });

  it('says why a grid is flagged with the server\'s figures, in Chinese and in English', () => {
    const tower: FlagDetail = { code: 'tower', by: 'households', holds: 761, hi: 240 };
    expect(why(tower, 'zh-CN')).toBe('一栋楼有 761 户，超过上限 240');
    expect(why(tower, 'en')).toBe("one building holds 761 households, above the band's upper bound 240");
    const cut: FlagDetail = { ...tower, cutOff: [95] };
    expect(why(cut, 'zh-CN')).toBe('一栋楼有 761 户，超过上限 240，并入被高层隔开的周边 95 户');
    expect(why(cut, 'en')).toBe("one building holds 761 households, above the band's upper bound 240; with the 95 households around it that towers cut off from the rest");
    expect(why({ ...tower, cutOff: [30, 25] }, 'en')).toMatch(/with the 30 and 25 households around it/);
    expect(why({ ...tower, cutOff: [30, 25] }, 'zh-CN')).toMatch(/周边 30和25 户$/);
    const enclosed: FlagDetail = { code: 'enclosed', by: 'households', holds: 120, lo: 160 };
    expect(why(enclosed, 'zh-CN', 'enclosed')).toBe('被硬边界围合，只有 120 户，低于下限 160，保持完整');
    expect(why(enclosed, 'en', 'enclosed')).toBe("enclosed by hard barriers with only 120 households, below the band's lower bound 160; kept whole");
    const whole: FlagDetail = { code: 'whole_area', by: 'people', holds: 300, lo: 480 };
    expect(why(whole, 'zh-CN', 'enclosed')).toBe('整个区域只有 300 人，低于下限 480，保持完整');
    expect(why(whole, 'en', 'enclosed')).toBe("the whole area holds only 300 people, below the band's lower bound 480; kept whole");
    expect(why({ code: 'empty', by: 'households' }, 'zh-CN', 'empty')).toBe('无住户，且旁边没有可并入的网格（岛、码头等独立地块）');
    // No Chinese sentence contains the server's English.
    for (const d of [tower, cut, enclosed, whole]) expect(why(d, 'zh-CN')).not.toMatch(/[a-z]{3}/);
  });

  it('without the figures as data (a job stored before), keeps the English reason and explains the flag in Chinese', () => {
    expect(flagWhy({ flag: 'tower', flagReason: reason }, 'en', tr('en'))).toBe(reason);
    expect(flagWhy({ flag: 'tower', flagReason: reason, flagDetail: null }, 'zh-CN', tr('zh-CN'))).toBe('单栋建筑户数超过容差上限，单独成格');
    expect(flagWhy({ flag: 'enclosed', flagReason: null }, 'en', tr('en'))).toMatch(/enclosed by hard barriers/);
  });

  it('says why a grid crosses a hard barrier, by its code', () => {
    const c = { grid: '980001006012', code: 'takes_empty_enclosed' as const };
    expect(crossedWhy(c, tr('zh-CN'))).toBe('980001006012 跨越硬边界，并入了硬边界围合的无住户区域（水域、公园、港口）');
    expect(crossedWhy(c, tr('en'))).toBe('980001006012 takes in an area without households that hard barriers enclose (water, park, port)');
  });
});
