import { CollisionFilterExtension, type CollisionFilterExtensionProps } from '@deck.gl/extensions';
import { TextLayer } from '@deck.gl/layers';
import { MapboxOverlay } from '@deck.gl/mapbox';
import type { Lang } from '../i18n/index.ts';
import type { GridLabel } from './labels.ts';

/**
 * Everything of deck.gl the map itself needs, in its own chunk: MapView loads it after the map
 * has started, so the tiers draw without waiting for deck.gl's 1.2 MB to download and run.
 */
export function createOverlay(): MapboxOverlay {
  return new MapboxOverlay({ interleaved: true, layers: [] });
}

export type { MapboxOverlay };

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
