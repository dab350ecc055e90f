import { mulberry32 } from '../core/random.ts';

/** mulberry32: a small seeded PRNG, so a proposal is the same for the same seed. */
export function rng(seed: number): () => number {
  // Seed 0 would start the generator at 0; every seed gets a sequence of its own.
  return mulberry32((seed >>> 0) || 0x9e3779b9);
}

export function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}
