import { LIGHT_COLOURS } from '../../map/style.ts';

/** A mark on the map for something that just happened: a new case pulses, a closed one fades. */
export interface Pulse {
  key: string;
  kind: 'created' | 'closed' | 'alarm';
  position: [number, number];
  colour: [number, number, number];
  startedAt: number;
}

const LIFETIME_MS: Record<Pulse['kind'], number> = { created: 8_000, alarm: 15_000, closed: 4_000 };
/** A burst (say a storm of hotline calls) must not grow without bound on a wall left for days. */
export const MAX_PULSES = 300;

export function hexToRgb(hex: string): [number, number, number] {
  const n = parseInt(hex.replace('#', ''), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

export function lightColour(light: string | undefined): [number, number, number] {
  return hexToRgb(LIGHT_COLOURS[light ?? 'none'] ?? LIGHT_COLOURS.none);
}

/** Adds a pulse and drops the expired and the oldest beyond the cap. */
export function addPulse(pulses: Pulse[], pulse: Pulse, now: number): Pulse[] {
  const alive = pulses.filter((p) => now - p.startedAt < LIFETIME_MS[p.kind] && p.key !== pulse.key);
  alive.push(pulse);
  return alive.length > MAX_PULSES ? alive.slice(alive.length - MAX_PULSES) : alive;
}

export function prunePulses(pulses: Pulse[], now: number): Pulse[] {
  const alive = pulses.filter((p) => now - p.startedAt < LIFETIME_MS[p.kind]);
  return alive.length === pulses.length ? pulses : alive;
}

/** 0 → 1 over the pulse's life. */
export function age(p: Pulse, now: number): number {
  return Math.min(1, Math.max(0, (now - p.startedAt) / LIFETIME_MS[p.kind]));
}

/** Radius in screen pixels (at the design scale) and alpha of a pulse at a moment. */
export function pulseLook(p: Pulse, now: number): { radius: number; alpha: number } {
  const a = age(p, now);
  if (p.kind === 'closed') return { radius: 14 * (1 - a) + 4, alpha: 220 * (1 - a) };
  // Rings that keep expanding: three beats over the life for new cases, more for alarms.
  const beats = p.kind === 'alarm' ? 6 : 3;
  const phase = (a * beats) % 1;
  return { radius: 8 + 40 * phase, alpha: 255 * (1 - phase) * (1 - a * 0.5) };
}
