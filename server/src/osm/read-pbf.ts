import fs from 'node:fs';
import type { Feature, FeatureCollection, Geometry } from 'geojson';
import osmread from 'osm-read';
import osmtogeojson from 'osmtogeojson';

type OsmElement =
  | { type: 'node'; id: number; lat: number; lon: number; tags: Record<string, string> }
  | { type: 'way'; id: number; nodes: number[]; tags: Record<string, string> }
  | { type: 'relation'; id: number; members: { type: string; ref: number; role: string }[]; tags: Record<string, string> };

export type OsmFeature = Feature<Geometry, Record<string, string>> & { id: string };

export interface ReadProgress {
  stage: 'reading' | 'assembling';
  elements: number;
  bytes: number;
  totalBytes: number;
}

/**
 * Reads an OSM PBF file (osm-read) and assembles ways and multipolygon relations into GeoJSON
 * (osmtogeojson). Everything is held in memory: fine for a district (a few hundred MB of PBF
 * would need a streaming, node-location-index importer such as osmium instead).
 */
export function readOsmPbf(filePath: string, onProgress?: (p: ReadProgress) => void): Promise<OsmFeature[]> {
  const totalBytes = fs.statSync(filePath).size;
  return new Promise((resolve, reject) => {
    const elements: OsmElement[] = [];
    let lastReport = 0;
    onProgress?.({ stage: 'reading', elements: 0, bytes: 0, totalBytes });
    const report = () => {
      if (elements.length - lastReport >= 5000) {
        lastReport = elements.length;
        onProgress?.({ stage: 'reading', elements: elements.length, bytes: 0, totalBytes });
      }
    };
    osmread.parse({
      filePath,
      format: 'pbf',
      node: (n: { id: string; lat: number; lon: number; tags: Record<string, string> }) => {
        elements.push({ type: 'node', id: Number(n.id), lat: n.lat, lon: n.lon, tags: n.tags });
        report();
      },
      way: (w: { id: string; nodeRefs: string[]; tags: Record<string, string> }) => {
        elements.push({ type: 'way', id: Number(w.id), nodes: w.nodeRefs.map(Number), tags: w.tags });
        report();
      },
      relation: (r: { id: string; members: { type: string; ref: string; role: string }[]; tags: Record<string, string> }) => {
        elements.push({ type: 'relation', id: Number(r.id), members: r.members.map((m) => ({ type: m.type, ref: Number(m.ref), role: m.role })), tags: r.tags });
        report();
      },
      endDocument: () => {
        onProgress?.({ stage: 'reading', elements: elements.length, bytes: totalBytes, totalBytes });
        onProgress?.({ stage: 'assembling', elements: elements.length, bytes: totalBytes, totalBytes });
        try {
          const fc = osmtogeojson({ elements }, { flatProperties: true }) as FeatureCollection<Geometry, Record<string, string>>;
          resolve(fc.features as OsmFeature[]);
        } catch (err) {
          reject(err);
        }
      },
      error: (msg: unknown) => reject(new Error(`Not a readable OSM PBF file: ${String(msg)}`)),
    });
  });
}
