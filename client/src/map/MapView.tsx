import type { Layer } from '@deck.gl/core';
import { AttributionControl, Map as MlMap, NavigationControl, prewarm, ScaleControl, type VectorTileSource } from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import { useEffect, useRef, useState } from 'react';
import type { Lang } from '../i18n/index.ts';
import type { MapboxOverlay } from './deck-overlay.ts';
import { collectLabels, sameLabels, type GridLabel } from './labels.ts';
import { buildStyle, tierAt, tierZooms, type Theme } from './style.ts';
import { fetchTileJson, INCIDENTS_TILESET, type TileJson } from './tilesets.ts';

export interface MapState {
  map: MlMap;
  zoom: number;
  tier: number;
  tierZooms: number[];
}

export interface MapViewProps {
  token: string | null;
  lang: Lang;
  theme: Theme;
  tiers: number;
  attribution: string;
  /** Draw the incidents tileset (needs a signed-in role). */
  incidents?: boolean;
  /** Show or hide the incidents tileset without rebuilding the map (the wall's rotating views). */
  incidentsVisible?: boolean;
  /** Fit to these bounds instead of the whole jurisdiction. */
  focus?: [number, number, number, number] | null;
  /** More deck.gl layers from the view (incidents, hot spots …), drawn above the labels' tier. */
  layers?: Layer[];
  labelScale?: number;
  /** Cap on the device pixel ratio (walls at 4K/8K stay smooth with software or modest GPUs). */
  pixelRatio?: number;
  onState?(state: MapState): void;
  /** Once, when the map has first drawn its style and tiles. */
  onReady?(): void;
  onError?(message: string): void;
}

declare global {
  interface Window {
    /**
     * For the browser tests, the bench and debugging in the console. `ready`: the map's first
     * idle (tiers drawn); `overlay`: deck.gl's overlay (labels, the views' layers), which
     * arrives just after — null until then.
     */
    __wangge?: { map: MlMap; overlay: MapboxOverlay | null; ready: boolean };
  }
}

const REFRESH_MS = 10_000;

// MapLibre's tile worker starts while the page fetches its TileJSON, not after the map exists.
prewarm();
type DeckModule = typeof import('./deck-overlay.ts');

/** The panorama map: Wangge's own basemap and grid tiers, labels by deck.gl, fresh tiles after edits. */
export function MapView(props: MapViewProps) {
  const container = useRef<HTMLDivElement>(null);
  const mapRef = useRef<MlMap | null>(null);
  const overlayRef = useRef<MapboxOverlay | null>(null);
  const zoomsRef = useRef<number[]>([]);
  const loadedRef = useRef(false);
  const [labels, setLabels] = useState<GridLabel[]>([]);
  const [tier, setTier] = useState(1);
  const [deck, setDeck] = useState<DeckModule | null>(null);
  const propsRef = useRef(props);
  propsRef.current = props;

  useEffect(() => {
    let disposed = false;
    let timer: ReturnType<typeof setInterval> | undefined;
    const versions: Record<string, string> = {};
    (async () => {
      const [basemap, grids, incidents] = await Promise.all([
        fetchTileJson('basemap', props.token), fetchTileJson('grids', props.token),
        props.incidents ? fetchTileJson(INCIDENTS_TILESET, props.token) : Promise.resolve(undefined),
      ]);
      if (disposed || !container.current) return;
      versions.basemap = basemap.version;
      versions.grids = grids.version;
      if (incidents) versions[INCIDENTS_TILESET] = incidents.version;
      const fit = fitZoom(grids, container.current);
      const zooms = tierZooms(fit, props.tiers);
      zoomsRef.current = zooms;
      const map = new MlMap({
        container: container.current,
        style: buildStyle({ basemap, grids, incidents, theme: props.theme, tierZooms: zooms }),
        bounds: propsRef.current.focus ?? grids.bounds,
        fitBoundsOptions: { padding: 24 },
        attributionControl: false,
        maxPitch: 0,
        pixelRatio: props.pixelRatio ?? window.devicePixelRatio,
        transformRequest: (url) => (props.token && url.includes('/tiles/') ? { url, headers: { authorization: `Bearer ${props.token}` } } : { url }),
      });
      mapRef.current = map;
      map.addControl(new NavigationControl({ showCompass: false }), 'top-right');
      map.addControl(new ScaleControl({ unit: 'metric' }), 'bottom-left');
      map.addControl(new AttributionControl({ compact: false, customAttribution: props.attribution }), 'bottom-right');
      window.__wangge = { map, overlay: null, ready: false };
      const report = () => {
        const zoom = map.getZoom();
        const t = tierAt(zoom, zooms);
        setTier(t);
        propsRef.current.onState?.({ map, zoom, tier: t, tierZooms: zooms });
      };
      map.on('zoom', report);
      map.on('load', report);
      map.on('load', () => {
        loadedRef.current = true;
        setIncidentsVisible(map, propsRef.current.incidentsVisible ?? true);
      });
      // deck.gl (labels, the views' layers) once the tiers are on screen: it is a third of the
      // JavaScript, and adding its overlay redraws the map — before the first idle, every such
      // frame delays the first paint (≈ 0.2 s each at 1920×1080 with software GL).
      map.once('idle', () => {
        void import('./deck-overlay.ts').then((mod) => {
          if (disposed || mapRef.current !== map) return;
          const overlay = mod.createOverlay();
          overlayRef.current = overlay;
          map.addControl(overlay);
          if (window.__wangge?.map === map) window.__wangge.overlay = overlay;
          setDeck(mod);
        }, (err: Error) => propsRef.current.onError?.(err.message));
      });
      map.on('idle', () => {
        // Only a changed set of labels updates the overlay: a new array on every idle would
        // redraw the map, which fires idle again — a still map must stay still.
        const next = collectLabels(map);
        setLabels((prev) => (sameLabels(prev, next) ? prev : next));
        if (window.__wangge && !window.__wangge.ready) {
          window.__wangge.ready = true;
          propsRef.current.onReady?.();
        }
      });
      map.on('error', (e) => propsRef.current.onError?.(e.error?.message ?? 'map error'));
      // Edits bump the tilesets' data versions; new versions mean new tile URLs, never stale tiles.
      timer = setInterval(async () => {
        for (const id of Object.keys(versions)) {
          const tj = await fetchTileJson(id, propsRef.current.token).catch(() => null);
          if (tj && tj.version !== versions[id]) {
            versions[id] = tj.version;
            (map.getSource(id) as VectorTileSource | undefined)?.setTiles(tj.tiles);
          }
        }
      }, REFRESH_MS);
    })().catch((err: Error) => propsRef.current.onError?.(err.message));
    return () => {
      disposed = true;
      if (timer) clearInterval(timer);
      mapRef.current?.remove();
      mapRef.current = null;
      overlayRef.current = null;
      loadedRef.current = false;
      setDeck(null);
    };
    // The map is rebuilt only when what its style or tiles depend on changes.
  }, [props.token, props.theme, props.tiers, props.attribution, props.incidents, props.pixelRatio]);

  useEffect(() => {
    const map = mapRef.current;
    if (map && loadedRef.current) setIncidentsVisible(map, props.incidentsVisible ?? true);
  }, [props.incidentsVisible]);

  useEffect(() => {
    const map = mapRef.current;
    if (map && props.focus) map.fitBounds(props.focus, { padding: 40, duration: 2000 });
  }, [props.focus]);

  useEffect(() => {
    if (!deck) return;
    overlayRef.current?.setProps({
      layers: [deck.labelLayer(labels, { tier, lang: props.lang, dark: props.theme === 'dark', scale: props.labelScale }), ...(props.layers ?? [])],
    });
  }, [deck, labels, tier, props.lang, props.theme, props.layers, props.labelScale]);

  return <div ref={container} className="map" data-testid="map" />;
}

const INCIDENT_LAYERS = ['incidents-bins', 'incidents-points'];

/** Only a change is applied: setting a layout property, even to its value, redraws the map. */
function setIncidentsVisible(map: MlMap, visible: boolean): void {
  const want = visible ? 'visible' : 'none';
  for (const id of INCIDENT_LAYERS) {
    if (map.getLayer(id) && (map.getLayoutProperty(id, 'visibility') ?? 'visible') !== want) map.setLayoutProperty(id, 'visibility', want);
  }
}

/** The zoom at which the tileset's bounds fill the container. */
function fitZoom(tj: TileJson, el: HTMLElement): number {
  const [w, s, e, n] = tj.bounds;
  const y = (lat: number) => Math.log(Math.tan(Math.PI / 4 + (lat * Math.PI) / 360));
  const worldX = (e - w) / 360;
  const worldY = (y(n) - y(s)) / (2 * Math.PI);
  const px = Math.max(el.clientWidth, 320);
  const py = Math.max(el.clientHeight, 240);
  return Math.min(Math.log2(px / 512 / Math.max(worldX, 1e-9)), Math.log2(py / 512 / Math.max(worldY, 1e-9)));
}
