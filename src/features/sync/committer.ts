/**
 * The push's durable bookkeeping, in batches so the fsync of each commit stays off the
 * requests' path:
 * - `commit(fn)`: everything queued while a request is in flight commits in one
 *   transaction; an op's "done" commits together with the next op's "attempted" mark.
 * - `done(...)`: an op the server has; its local writes and its "done" mark are committed
 *   together a little later (a crash before only means a search on restart).
 */
import type { Db } from '../../platform/db';

interface Done {
  seq: number;
  ticketId: string;
  finalize: () => void;
}

export class BatchCommitter {
  private commitQueue: { fn: () => unknown; resolve: (v: unknown) => void; reject: (e: unknown) => void }[] = [];
  private commitScheduled = false;
  /** Done on the server, "done" not committed yet. */
  private readonly doneLocal = new Set<number>();
  /** Server ids of tickets created by ops not committed yet (later ops of the ticket need them). */
  private readonly localServerIds = new Map<string, string>();
  private donePending: Done[] = [];
  private doneFlush: Promise<void> | null = null;
  private doneTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly db: Db,
    private readonly hooks: { log(level: 'error', message: string): void; onTicketsChanged?(ids: string[]): void },
  ) {}

  /** Runs `fn` in the next grouped transaction; resolves once committed. */
  commit<T>(fn: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.commitQueue.push({ fn, resolve: resolve as (v: unknown) => void, reject });
      if (!this.commitScheduled) {
        this.commitScheduled = true;
        setImmediate(() => this.flushCommits());
      }
    });
  }

  private flushCommits() {
    this.commitScheduled = false;
    const batch = this.commitQueue.splice(0);
    const results: ({ ok: true; v: unknown } | { ok: false; e: unknown })[] = [];
    try {
      this.db.transaction(() => {
        for (const b of batch) {
          try {
            results.push({ ok: true, v: b.fn() });
          } catch (e) {
            results.push({ ok: false, e });
          }
        }
      })();
    } catch (e) {
      for (const b of batch) b.reject(e);
      return;
    }
    batch.forEach((b, i) => {
      const r = results[i]!;
      if (r.ok) b.resolve(r.v);
      else b.reject(r.e);
    });
  }

  /** The server has this op: its local writes (`finalize`) and "done" mark are queued. */
  done(d: Done & { serverId: string | null }): void {
    this.doneLocal.add(d.seq);
    if (d.serverId) this.localServerIds.set(d.ticketId, d.serverId);
    this.donePending.push({ seq: d.seq, ticketId: d.ticketId, finalize: d.finalize });
    void this.flushDone();
  }
  isDone(seq: number): boolean {
    return this.doneLocal.has(seq);
  }
  /** The server id of a ticket whose creation is done but not committed yet. */
  pendingServerId(ticketId: string): string | undefined {
    return this.localServerIds.get(ticketId);
  }

  /**
   * Commits finished ops in one transaction. Batched on a short timer (or when many are
   * waiting); `now` forces it (end of a drain round).
   */
  flushDone(now = false): Promise<void> {
    if (this.doneFlush) return this.doneFlush;
    if (!now && this.donePending.length < 64) {
      if (!this.doneTimer) {
        this.doneTimer = setTimeout(() => {
          this.doneTimer = null;
          void this.flushDone(true);
        }, 200);
        this.doneTimer.unref?.();
      }
      return Promise.resolve();
    }
    if (this.doneTimer) {
      clearTimeout(this.doneTimer);
      this.doneTimer = null;
    }
    this.doneFlush = new Promise<void>((resolve) => {
      setImmediate(() => {
        const batch = this.donePending.splice(0);
        try {
          this.db.transaction(() => {
            for (const d of batch) {
              try {
                d.finalize();
              } catch (err) {
                this.hooks.log('error', `local write after sync failed: ${(err as Error).message}`);
              }
              this.db.prepare("UPDATE outbox SET state = 'done', last_error = NULL, next_attempt_at = NULL WHERE seq = ?").run(d.seq);
            }
          })();
        } catch (err) {
          // Not committed: the ops stay pending (attempts > 0) and are searched for next time.
          this.hooks.log('error', `could not record sync progress: ${(err as Error).message}`);
        }
        for (const d of batch) {
          this.doneLocal.delete(d.seq);
          if (this.localServerIds.get(d.ticketId) !== undefined && !this.donePending.some((p) => p.ticketId === d.ticketId)) this.localServerIds.delete(d.ticketId);
        }
        this.doneFlush = null;
        if (batch.length) this.hooks.onTicketsChanged?.([...new Set(batch.map((d) => d.ticketId))]);
        resolve();
      });
    });
    return this.doneFlush;
  }

  /** Until every finished op is committed. */
  async settle(): Promise<void> {
    await this.flushDone(true);
    while (this.doneFlush || this.donePending.length) await this.flushDone(true);
  }
}
