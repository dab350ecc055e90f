import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';

/**
 * A tile as sorted, readable text: one block per layer, one line per feature with its type,
 * properties and geometry in tile coordinates. Feature ids are left out (they are database
 * identities); golden files are compared in this form, whichever encoder made the tile.
 */
export function tileAsText(body: Uint8Array): string {
  if (body.length === 0) return '(empty tile)\n';
  const tile = new VectorTile(new PbfReader(body));
  const out: string[] = [];
  for (const name of Object.keys(tile.layers).sort()) {
    const layer = tile.layers[name];
    out.push(`layer ${name} (extent ${layer.extent}, ${layer.length} features)`);
    const lines: string[] = [];
    for (let i = 0; i < layer.length; i++) {
      const f = layer.feature(i);
      const props = Object.fromEntries(Object.entries(f.properties).sort(([a], [b]) => a.localeCompare(b)));
      const type = ['unknown', 'point', 'line', 'polygon'][f.type];
      const rings = f.loadGeometry().map((ring) => ring.map((p) => `${p.x} ${p.y}`).join(', '));
      lines.push(`  ${type} ${JSON.stringify(props)}\n    ${rings.join('\n    ')}`);
    }
    out.push(...lines.sort());
  }
  return `${out.join('\n')}\n`;
}
