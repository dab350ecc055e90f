import { Map as MlMap, type StyleSpecification } from 'maplibre-gl';
import { useEffect, useRef, useState, type KeyboardEvent, type MouseEvent } from 'react';
import { useT } from '../../i18n/index.ts';
import { fetchTileJson, type TileJson } from '../../map/tilesets.ts';

declare global {
  interface Window {
    /** The minimap's own map, for the browser tests and the console. */
    __wanggeMinimap?: MlMap;
  }
}

/** The whole jurisdiction: water, the top tier filled and outlined, the second tier's borders. */
function minimapStyle(basemap: TileJson, grids: TileJson): StyleSpecification {
  return {
    version: 8,
    sources: {
      basemap: { type: 'vector', tiles: basemap.tiles, minzoom: basemap.minzoom, maxzoom: basemap.maxzoom, bounds: basemap.bounds },
      grids: { type: 'vector', tiles: grids.tiles, minzoom: grids.minzoom, maxzoom: grids.maxzoom, bounds: grids.bounds },
    },
    layers: [
      { id: 'background', type: 'background', paint: { 'background-color': '#f3f1ec' } },
      { id: 'water', type: 'fill', source: 'basemap', 'source-layer': 'areas', filter: ['==', ['get', 'kind'], 'water'], paint: { 'fill-color': '#a9cfe8' } },
      { id: 'tier1-fill', type: 'fill', source: 'grids', 'source-layer': 'tier1', paint: { 'fill-color': '#b3001b', 'fill-opacity': 0.06 } },
      { id: 'tier2-line', type: 'line', source: 'grids', 'source-layer': 'tier2', paint: { 'line-color': '#d9570a', 'line-width': 0.8, 'line-opacity': 0.8 } },
      { id: 'tier1-line', type: 'line', source: 'grids', 'source-layer': 'tier1', layout: { 'line-join': 'round' }, paint: { 'line-color': '#b3001b', 'line-width': 1.6 } },
    ],
  };
}

/**
 * A small, non-interactive second map of the whole jurisdiction with the main map's viewport
 * drawn on it. A click recentres the main map there; Enter shows the whole jurisdiction again.
 */
export function Minimap(props: { main: MlMap | null; token: string | null }) {
  const t = useT();
  const container = useRef<HTMLDivElement>(null);
  const [mini, setMini] = useState<MlMap | null>(null);
  const [bounds, setBounds] = useState<TileJson['bounds'] | null>(null);
  const [viewport, setViewport] = useState<string | null>(null);

  // Built once the main map has drawn: its tiles would otherwise compete with the main map's first paint.
  const [mainDrawn, setMainDrawn] = useState(false);
  useEffect(() => {
    const main = props.main;
    if (!main || mainDrawn) return undefined;
    const drawn = () => setMainDrawn(true);
    if (main.loaded()) drawn(); else main.once('idle', drawn);
    return () => { main.off('idle', drawn); };
  }, [props.main, mainDrawn]);

  useEffect(() => {
    if (!mainDrawn) return undefined;
    let disposed = false;
    let map: MlMap | null = null;
    void Promise.all([fetchTileJson('basemap', props.token), fetchTileJson('grids', props.token)]).then(([basemap, grids]) => {
      if (disposed || !container.current) return;
      map = new MlMap({
        container: container.current, style: minimapStyle(basemap, grids), bounds: grids.bounds, fitBoundsOptions: { padding: 6 },
        interactive: false, attributionControl: false,
        transformRequest: (url) => (props.token && url.includes('/tiles/') ? { url, headers: { authorization: `Bearer ${props.token}` } } : { url }),
      });
      window.__wanggeMinimap = map;
      setBounds(grids.bounds);
      map.on('load', () => setMini(map));
    }).catch(() => undefined);
    return () => {
      disposed = true;
      map?.remove();
      setMini(null);
    };
  }, [props.token, mainDrawn]);

  // The main map's four corners, projected onto the minimap (a polygon: the main map may be rotated).
  useEffect(() => {
    const main = props.main;
    if (!main || !mini) return;
    const draw = () => {
      const c = main.getContainer();
      const w = c.clientWidth;
      const h = c.clientHeight;
      const corners = [[0, 0], [w, 0], [w, h], [0, h]].map(([x, y]) => mini.project(main.unproject([x, y])));
      setViewport(corners.map((p) => `${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' '));
    };
    draw();
    main.on('move', draw);
    main.on('resize', draw);
    return () => { main.off('move', draw); main.off('resize', draw); };
  }, [props.main, mini]);

  const recentre = (e: MouseEvent<HTMLDivElement>) => {
    if (!props.main || !mini) return;
    const r = e.currentTarget.getBoundingClientRect();
    props.main.easeTo({ center: mini.unproject([e.clientX - r.left, e.clientY - r.top]), duration: 600 });
  };
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if ((e.key === 'Enter' || e.key === ' ') && props.main && bounds) {
      e.preventDefault();
      props.main.fitBounds(bounds, { padding: 24, duration: 600 });
    }
  };

  return (
    <div className="panorama-minimap" data-testid="minimap" role="button" tabIndex={0} aria-label={`${t('minimap')}: ${t('minimapHint')}`} title={t('minimapHint')}
      onClick={recentre} onKeyDown={onKeyDown}>
      <div ref={container} className="panorama-minimap-map" />
      <svg className="panorama-minimap-viewport" aria-hidden="true">
        {viewport && <polygon data-testid="minimap-viewport" points={viewport} />}
      </svg>
    </div>
  );
}
