import type { Layer } from '@deck.gl/core';
import type { Map as MlMap, MapMouseEvent } from 'maplibre-gl';
import { useEffect, useRef, type ReactNode } from 'react';
import type { Lang } from '../../i18n/index.ts';
import { MapView, type MapState } from '../../map/MapView.tsx';

export type CompareMode = 'side' | 'swipe';
type Bounds = [number, number, number, number];

interface Props {
  token: string | null;
  lang: Lang;
  tiers: number;
  attribution: string;
  focus: Bounds | null;
  /** Two maps (proposal | other) or only the first. */
  compare: boolean;
  mode: CompareMode;
  /** Swipe position, 0–100 % from the left. */
  swipe: number;
  left: { layers: Layer[]; caption: ReactNode; overlay?: ReactNode };
  right: { layers: Layer[]; caption: ReactNode; overlay?: ReactNode };
  /** Drawn over both maps at the bottom centre, clear of each map's caption and zoom buttons. */
  controls?: ReactNode;
  /** A click on the left map that deck.gl did not take (for drawing an area). */
  onLeftClick?(lngLat: [number, number]): void;
  /** The left (proposal) map, once it exists: for drawing on it. */
  onLeftMap?(map: MlMap): void;
  onError?(message: string): void;
}

/**
 * Two MapViews kept on the same camera: side by side, or stacked with the right one clipped
 * at the swipe line. Each carries its own deck.gl layers.
 */
export function CompareMaps(props: Props) {
  const maps = useRef<{ left: MlMap | null; right: MlMap | null }>({ left: null, right: null });
  const clickRef = useRef(props.onLeftClick);
  clickRef.current = props.onLeftClick;
  const leftMapRef = useRef(props.onLeftMap);
  leftMapRef.current = props.onLeftMap;

  const attach = (side: 'left' | 'right') => (s: MapState) => {
    if (maps.current[side] === s.map) return;
    maps.current[side] = s.map;
    const map = s.map;
    map.on('move', () => {
      const other = maps.current[side === 'left' ? 'right' : 'left'];
      if (!other || syncing.current) return;
      syncing.current = true;
      other.jumpTo({ center: map.getCenter(), zoom: map.getZoom(), bearing: map.getBearing(), pitch: map.getPitch() });
      syncing.current = false;
    });
    if (side === 'left') {
      leftMapRef.current?.(map);
      map.on('click', (e: MapMouseEvent) => clickRef.current?.([e.lngLat.lng, e.lngLat.lat]));
    } else if (maps.current.left) {
      const l = maps.current.left;
      map.jumpTo({ center: l.getCenter(), zoom: l.getZoom() });
    }
  };
  const syncing = useRef(false);

  // Panes change size with the mode: the maps must know, and the area is fitted again.
  const focusRef = useRef(props.focus);
  focusRef.current = props.focus;
  useEffect(() => {
    const id = requestAnimationFrame(() => {
      maps.current.left?.resize();
      maps.current.right?.resize();
      if (focusRef.current) maps.current.left?.fitBounds(focusRef.current, { padding: 40, duration: 0 });
    });
    return () => cancelAnimationFrame(id);
  }, [props.mode, props.compare]);
  useEffect(() => { if (!props.compare) maps.current.right = null; }, [props.compare]);

  const clip = props.compare && props.mode === 'swipe' ? { clipPath: `inset(0 0 0 ${props.swipe}%)` } : undefined;
  return (
    <div className={`pl-maps ${props.compare ? props.mode : 'single'}`} data-testid="planner-maps">
      <div className="pl-pane left" data-testid="pane-left">
        <MapView token={props.token} lang={props.lang} theme="light" tiers={props.tiers} attribution={props.attribution}
          focus={props.focus} layers={props.left.layers} onState={attach('left')} onError={props.onError} />
        {props.compare && <div className="pl-caption">{props.left.caption}</div>}
        {props.left.overlay}
      </div>
      {props.compare && (
        <div className="pl-pane right" style={clip} data-testid="pane-right">
          <MapView token={props.token} lang={props.lang} theme="light" tiers={props.tiers} attribution={props.attribution}
            focus={props.focus} layers={props.right.layers} onState={attach('right')} onError={props.onError} />
          <div className="pl-caption">{props.right.caption}</div>
          {props.right.overlay}
        </div>
      )}
      {props.compare && props.mode === 'swipe' && <div className="pl-swipe-line" style={{ left: `${props.swipe}%` }} aria-hidden="true" />}
      {props.controls}
    </div>
  );
}
