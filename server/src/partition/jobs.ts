import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../core/db.ts';
import type { EventBus } from '../core/events.ts';
import { abortableDb, withSignal } from './abort.ts';
import { Cancelled, runPartition } from './engine.ts';

/**
 * Runs partition jobs one at a time in this process (the database does the heavy work; two at
 * once on 2 cores would only slow both). State lives in partition_jobs, so GET sees it from
 * any request; progress is also published as 'partition.progress' on the live event stream.
 */
export class PartitionJobs {
  private queue: Promise<void> = Promise.resolve();
  private cancelled = new Set<number>();
  /** The running job and its abort controller (one job at a time). */
  private current: { id: number; controller: AbortController } | null = null;
  private closing = false;

  constructor(private db: Db, private events: EventBus, private log?: FastifyBaseLogger) {}

  enqueue(id: number, jurisdictionId: number): void {
    this.queue = this.queue.then(() => this.run(id, jurisdictionId)).catch((err) => this.log?.error({ err }, 'partition job runner'));
  }

  /**
   * Cancels a job: it is marked `cancelled` at once; a queued one never starts, a running one is
   * aborted (its AbortSignal is checked between the engine's stages and inside the long loops of
   * the regionalisation, the local search and the baselines, and before every SQL statement; the
   * statement that is running finishes first), stores no result and frees the runner for the
   * next job.
   */
  async cancel(id: number): Promise<void> {
    this.cancelled.add(id);
    await this.db.query(
      `UPDATE partition_jobs SET status = 'cancelled', stage = 'cancelled', finished_at = now() WHERE id = $1 AND status IN ('queued', 'running')`, [id]);
    if (this.current?.id === id) this.current.controller.abort(new Cancelled());
  }

  /** Aborts the running job and waits for the runner to stop. */
  async close(): Promise<void> {
    this.closing = true;
    this.current?.controller.abort(new Cancelled());
    await this.queue;
  }

  private async run(id: number, jurisdictionId: number): Promise<void> {
    const { rows } = await this.db.query<{ status: string }>('SELECT status FROM partition_jobs WHERE id = $1', [id]);
    if (rows[0]?.status !== 'queued') return;
    const publish = (status: string, stage: string, progress: number) =>
      this.events.publish('partition.progress', jurisdictionId, { id, status, stage, progress });
    const controller = new AbortController();
    this.current = { id, controller };
    if (this.closing || this.cancelled.has(id)) controller.abort(new Cancelled());
    try {
      await this.db.query(`UPDATE partition_jobs SET status = 'running', stage = 'starting', progress = 0 WHERE id = $1 AND status = 'queued'`, [id]);
      publish('running', 'starting', 0);
      const result = await withSignal(controller.signal, () => runPartition(abortableDb(this.db, controller.signal), id, {
        isCancelled: () => controller.signal.aborted,
        onProgress: async (stage, progress) => {
          await this.db.query(`UPDATE partition_jobs SET stage = $2, progress = $3 WHERE id = $1 AND status = 'running'`, [id, stage, progress]);
          publish('running', stage, progress);
        },
      }));
      if (controller.signal.aborted) throw new Cancelled();
      // A cancel that came after the last check still wins: the row is then 'cancelled' already.
      const { rowCount } = await this.db.query(
        `UPDATE partition_jobs SET status = 'done', stage = 'done', progress = 1, result = $2, finished_at = now() WHERE id = $1 AND status = 'running'`, [id, JSON.stringify(result)]);
      if (!rowCount) throw new Cancelled();
      publish('done', 'done', 1);
    } catch (err) {
      const cancelled = err instanceof Cancelled || controller.signal.aborted;
      if (!cancelled) this.log?.error({ err, job: id }, 'partition job failed');
      if (cancelled) {
        // No result of a cancelled job is kept: neither its blocks nor any grids written so far.
        await this.db.query(`UPDATE partition_jobs SET status = 'cancelled', stage = 'cancelled', result = NULL, finished_at = coalesce(finished_at, now()) WHERE id = $1`, [id])
          .catch(() => undefined);
        await this.db.query('DELETE FROM partition_grids WHERE job_id = $1', [id]).catch(() => undefined);
        await this.db.query('DELETE FROM partition_blocks WHERE job_id = $1', [id]).catch(() => undefined);
      } else {
        await this.db.query(
          `UPDATE partition_jobs SET status = 'failed', stage = 'failed', error = $2, finished_at = now() WHERE id = $1`,
          [id, JSON.stringify({ code: 'partition_failed', message: (err as Error).message })],
        ).catch(() => undefined);
      }
      publish(cancelled ? 'cancelled' : 'failed', cancelled ? 'cancelled' : 'failed', 0);
    } finally {
      this.cancelled.delete(id);
      this.current = null;
    }
  }
}
