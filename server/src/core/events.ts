import { EventEmitter } from 'node:events';

/**
 * The live event stream inside one server process: features publish, the SSE route
 * (`GET /api/events`) and anything else subscribe. Events carry the jurisdiction they belong
 * to so a subscriber can filter by it.
 */
export interface WanggeEvent {
  /** e.g. 'incident.created', 'incident.step', 'incident.light', 'partition.progress', 'grids.published' */
  type: string;
  jurisdictionId: number | null;
  at: string;
  data: Record<string, unknown>;
}

export class EventBus {
  private emitter = new EventEmitter();
  private seq = 0;

  constructor() {
    // One listener per open SSE connection: a wall room can hold many.
    this.emitter.setMaxListeners(0);
  }

  publish(type: string, jurisdictionId: number | null, data: Record<string, unknown>): WanggeEvent & { id: number } {
    const event = { id: ++this.seq, type, jurisdictionId, at: new Date().toISOString(), data };
    this.emitter.emit('event', event);
    return event;
  }

  /** Returns the function that unsubscribes. */
  subscribe(listener: (event: WanggeEvent & { id: number }) => void): () => void {
    this.emitter.on('event', listener);
    return () => this.emitter.off('event', listener);
  }

  listenerCount(): number {
    return this.emitter.listenerCount('event');
  }
}
