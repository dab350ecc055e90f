import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Cooperative cancellation of a partition job. The job runner (jobs.ts) runs the engine inside
 * `withSignal`, so the long loops (regionalisation, local search, baselines) can check the
 * job's AbortSignal without every caller threading it through: `signalOf(explicit)` gives the
 * explicit signal or the ambient one. Aborting with a `Cancelled` reason makes `throwIfAborted`
 * throw exactly that error.
 */
const ambient = new AsyncLocalStorage<AbortSignal>();

export function withSignal<T>(signal: AbortSignal, fn: () => Promise<T>): Promise<T> {
  return ambient.run(signal, fn);
}

export function signalOf(explicit?: AbortSignal): AbortSignal | undefined {
  return explicit ?? ambient.getStore();
}
