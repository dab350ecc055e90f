import type { Geometry, Position } from 'geojson';
import { PbfWriter } from 'pbf';

/**
 * Mapbox Vector Tile 2.1 writer for rows whose geometry is already in tile coordinates (the
 * embedded PostGIS path: its PostGIS has no ST_AsMVT). A thin layer over `pbf`'s writer that
 * writes the same bytes as `vt-pbf`'s `fromGeojsonVt` (the test compares them byte for byte),
 * without what vt-pbf needs to be generic: it wraps every feature in an object and every vertex
 * in a Point (`@mapbox/point-geometry`) before writing it, and takes tags copied out of each
 * row's properties. On the 626 kB incident tile (11,600 points) that was most of the ≈ 70 ms the
 * endpoint spent over its query (docs/tiles.md).
 */
export interface TileRow {
  layer: string;
  id: number | null;
  geom: Geometry | null;
  props: Record<string, unknown> | null;
}

const MOVE_TO = 1;
const LINE_TO = 2;
const CLOSE_PATH = 7;

/** Encodes rows (layers in name order, features in row order; rows of unknown geometry type are left out). */
export function writeMvt(rows: readonly TileRow[], extent = 4096): Uint8Array {
  const byLayer = new Map<string, TileRow[]>();
  for (const r of rows) {
    let list = byLayer.get(r.layer);
    if (list === undefined) byLayer.set(r.layer, (list = []));
    list.push(r);
  }
  const pbf = new PbfWriter();
  for (const name of [...byLayer.keys()].sort()) {
    pbf.writeMessage(3, writeLayer, { name, extent, rows: byLayer.get(name)!, keys: [], values: [], keyIndex: new Map(), strings: new Map(), numbers: new Map(), booleans: new Map() } satisfies LayerState);
  }
  return pbf.finish();
}

interface LayerState {
  name: string;
  extent: number;
  rows: TileRow[];
  keys: string[];
  values: (string | number | boolean)[];
  keyIndex: Map<string, number>;
  /** Value indexes by type ("1" and 1 are different values), as vt-pbf keys them. */
  strings: Map<string, number>;
  numbers: Map<number, number>;
  booleans: Map<boolean, number>;
}

/** The MVT geometry type and the rings (lists of vertices) it is written as, as vt-pbf takes them. */
function rings(g: Geometry | null): { type: 1 | 2 | 3; rings: Position[][] } | null {
  switch (g?.type) {
    case 'Point': return { type: 1, rings: [[g.coordinates]] };
    case 'MultiPoint': return { type: 1, rings: [g.coordinates] };
    case 'LineString': return { type: 2, rings: [g.coordinates] };
    case 'MultiLineString': return { type: 2, rings: g.coordinates };
    case 'Polygon': return { type: 3, rings: g.coordinates };
    // MVT holds a multipolygon as its rings in order; exterior rings are told apart by winding.
    case 'MultiPolygon': return { type: 3, rings: g.coordinates.flat() };
    default: return null;
  }
}

// Module-level scratch: writeMessage takes a function and one argument, and features are
// written one at a time, so the current feature is passed here instead of in a new object each.
let state: LayerState;
let feature: TileRow;
let geometry: { type: 1 | 2 | 3; rings: Position[][] };

function writeLayer(layer: LayerState, pbf: PbfWriter): void {
  pbf.writeVarintField(15, 2);
  pbf.writeStringField(1, layer.name);
  pbf.writeVarintField(5, layer.extent);
  for (const row of layer.rows) {
    const g = rings(row.geom);
    if (g === null) continue;
    state = layer;
    feature = row;
    geometry = g;
    pbf.writeMessage(2, writeFeature, null);
  }
  for (const k of layer.keys) pbf.writeStringField(3, k);
  for (const v of layer.values) pbf.writeMessage(4, writeValue, v);
}

function writeFeature(_: null, pbf: PbfWriter): void {
  if (typeof feature.id === 'number') pbf.writeVarintField(1, feature.id);
  pbf.writeMessage(2, writeTags, null);
  pbf.writeVarintField(3, geometry.type);
  pbf.writeMessage(4, writeGeometry, null);
}

/** Properties as key and value indexes; nulls left out, objects and arrays as JSON text. */
function writeTags(_: null, pbf: PbfWriter): void {
  const props = feature.props;
  if (!props) return;
  for (const key in props) {
    let value = props[key] as string | number | boolean | object | null | undefined;
    if (value === null || value === undefined) continue;
    let k = state.keyIndex.get(key);
    if (k === undefined) {
      k = state.keys.push(key) - 1;
      state.keyIndex.set(key, k);
    }
    pbf.writeVarint(k);
    if (typeof value === 'object') value = JSON.stringify(value);
    // Maps compare by SameValueZero: 0 and -0 are one value, NaN is one, as in vt-pbf's "number:0".
    const index = (typeof value === 'string' ? state.strings : typeof value === 'number' ? state.numbers : state.booleans) as Map<unknown, number>;
    let v = index.get(value);
    if (v === undefined) {
      v = state.values.push(value as string | number | boolean) - 1;
      index.set(value, v);
    }
    pbf.writeVarint(v);
  }
}

const command = (cmd: number, count: number) => (count << 3) + (cmd & 0x7);
const zigzag = (n: number) => (n << 1) ^ (n >> 31);

/** Commands with deltas; a polygon ring's closing vertex is not written (ClosePath instead). */
function writeGeometry(_: null, pbf: PbfWriter): void {
  const { type } = geometry;
  let x = 0;
  let y = 0;
  for (const ring of geometry.rings) {
    pbf.writeVarint(command(MOVE_TO, type === 1 ? ring.length : 1));
    const count = type === 3 ? ring.length - 1 : ring.length;
    for (let i = 0; i < count; i++) {
      if (i === 1 && type !== 1) pbf.writeVarint(command(LINE_TO, count - 1));
      const p = ring[i];
      const dx = p[0] - x;
      const dy = p[1] - y;
      pbf.writeVarint(zigzag(dx));
      pbf.writeVarint(zigzag(dy));
      x += dx;
      y += dy;
    }
    if (type === 3) pbf.writeVarint(command(CLOSE_PATH, 1));
  }
}

function writeValue(value: string | number | boolean, pbf: PbfWriter): void {
  if (typeof value === 'string') pbf.writeStringField(1, value);
  else if (typeof value === 'boolean') pbf.writeBooleanField(7, value);
  else if (value % 1 !== 0) pbf.writeDoubleField(3, value);
  else if (value < 0) pbf.writeSVarintField(6, value);
  else pbf.writeVarintField(5, value);
}
