import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../core/db.ts';
import type { EventBus } from '../core/events.ts';
import { Cancelled, runPartition } from './engine.ts';

/**
 * Runs partition jobs one at a time in this process (the database does the heavy work; two at
 * once on 2 cores would only slow both). State lives in partition_jobs, so GET sees it from
 * any request; progress is also published as 'partition.progress' on the live event stream.
 */
export class PartitionJobs {
  private queue: Promise<void> = Promise.resolve();
  private cancelled = new Set<number>();
  private closing = false;

  constructor(private db: Db, private events: EventBus, private log?: FastifyBaseLogger) {}

  enqueue(id: number, jurisdictionId: number): void {
    this.queue = this.queue.then(() => this.run(id, jurisdictionId)).catch((err) => this.log?.error({ err }, 'partition job runner'));
  }

  /** Marks a job cancelled: a queued one never starts, a running one stops at its next stage. */
  async cancel(id: number): Promise<void> {
    this.cancelled.add(id);
    await this.db.query(
      `UPDATE partition_jobs SET status = 'cancelled', stage = 'cancelled', finished_at = now() WHERE id = $1 AND status = 'queued'`, [id]);
  }

  /** Stops after the current stage of the running job and waits for it. */
  async close(): Promise<void> {
    this.closing = true;
    await this.queue;
  }

  private async run(id: number, jurisdictionId: number): Promise<void> {
    const { rows } = await this.db.query<{ status: string }>('SELECT status FROM partition_jobs WHERE id = $1', [id]);
    if (rows[0]?.status !== 'queued') return;
    const publish = (status: string, stage: string, progress: number) =>
      this.events.publish('partition.progress', jurisdictionId, { id, status, stage, progress });
    try {
      await this.db.query(`UPDATE partition_jobs SET status = 'running', stage = 'starting', progress = 0 WHERE id = $1`, [id]);
      publish('running', 'starting', 0);
      const result = await runPartition(this.db, id, {
        isCancelled: () => this.closing || this.cancelled.has(id),
        onProgress: async (stage, progress) => {
          await this.db.query('UPDATE partition_jobs SET stage = $2, progress = $3 WHERE id = $1', [id, stage, progress]);
          publish('running', stage, progress);
        },
      });
      await this.db.query(
        `UPDATE partition_jobs SET status = 'done', stage = 'done', progress = 1, result = $2, finished_at = now() WHERE id = $1`, [id, JSON.stringify(result)]);
      publish('done', 'done', 1);
    } catch (err) {
      const cancelled = err instanceof Cancelled;
      if (!cancelled) this.log?.error({ err, job: id }, 'partition job failed');
      await this.db.query(
        `UPDATE partition_jobs SET status = $2, stage = $2, error = $3, finished_at = now() WHERE id = $1`,
        [id, cancelled ? 'cancelled' : 'failed', cancelled ? null : JSON.stringify({ code: 'partition_failed', message: (err as Error).message })],
      ).catch(() => undefined);
      publish(cancelled ? 'cancelled' : 'failed', cancelled ? 'cancelled' : 'failed', 0);
    } finally {
      this.cancelled.delete(id);
    }
  }
}
