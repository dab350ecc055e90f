import { CollisionFilterExtension, type CollisionFilterExtensionProps } from '@deck.gl/extensions';
import { TextLayer } from '@deck.gl/layers';
import type { Map as MlMap } from 'maplibre-gl';
import type { Lang } from '../i18n/index.ts';

export interface GridLabel {
  code: string;
  name: string;
  nameEn?: string;
  tier: number;
  position: [number, number];
}

/** One label per grid from the tiles already loaded (the 'labels' layer repeats in neighbouring tiles' buffers). */
export function collectLabels(map: MlMap): GridLabel[] {
  const byCode = new Map<string, GridLabel>();
  for (const f of map.querySourceFeatures('grids', { sourceLayer: 'labels' })) {
    const p = f.properties as { code?: string; name?: string; name_en?: string; tier?: number };
    if (!p.code || byCode.has(`${p.tier}/${p.code}`) || f.geometry.type !== 'Point') continue;
    byCode.set(`${p.tier}/${p.code}`, { code: p.code, name: p.name ?? p.code, nameEn: p.name_en, tier: Number(p.tier), position: f.geometry.coordinates as [number, number] });
  }
  return [...byCode.values()];
}

/**
 * Grid names drawn by deck.gl, which builds its glyphs in the browser, so Chinese and Latin
 * names render offline with no glyph server; colliding labels give way to larger grids.
 */
export function labelLayer(labels: GridLabel[], opts: { tier: number; lang: Lang; dark: boolean; scale?: number }): TextLayer<GridLabel, CollisionFilterExtensionProps<GridLabel>> {
  const shown = labels.filter((l) => l.tier === opts.tier || l.tier === opts.tier - 1);
  return new TextLayer<GridLabel, CollisionFilterExtensionProps<GridLabel>>({
    id: 'grid-labels',
    data: shown,
    characterSet: 'auto',
    fontFamily: '"Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", system-ui, sans-serif',
    fontWeight: 600,
    getPosition: (d) => d.position,
    getText: (d) => (opts.lang === 'en' && d.nameEn ? d.nameEn : d.name),
    getSize: (d) => (d.tier === opts.tier ? 15 : 12) * (opts.scale ?? 1),
    getColor: (d) => (opts.dark ? [235, 242, 255, d.tier === opts.tier ? 255 : 160] : [40, 40, 48, d.tier === opts.tier ? 255 : 150]),
    outlineWidth: 3,
    outlineColor: opts.dark ? [11, 18, 32, 230] : [255, 255, 255, 230],
    fontSettings: { sdf: true },
    getTextAnchor: 'middle',
    getAlignmentBaseline: 'center',
    extensions: [new CollisionFilterExtension()],
    // Lower tiers and bigger names win a collision.
    getCollisionPriority: (d: GridLabel) => (d.tier === opts.tier ? 10 : 0),
    collisionTestProps: { sizeScale: 1.4 },
    updateTriggers: { getText: opts.lang, getSize: opts.tier, getColor: [opts.tier, opts.dark], getCollisionPriority: opts.tier },
    parameters: { depthCompare: 'always' },
  });
}
