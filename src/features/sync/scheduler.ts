/**
 * When sync runs: one push + pull at a time (a second call while running waits for the same
 * run), reconciliation of deletions and merges now and then, the last success recorded only
 * when the server answered, and a timer that runs push again when a backoff expires.
 */
import type { StateStore } from './config';
import type { SyncHealth } from './health';
import { SyncError } from './types';

export interface SyncRound {
  /** Whether a server is configured. */
  hasConnector(): boolean;
  push(): Promise<boolean>;
  pull(): Promise<boolean>;
  reconcile(): Promise<unknown>;
  /** When the earliest op in backoff is due (null: none). */
  nextAttemptAt(): string | null;
}

export class SyncScheduler {
  private running: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly round: SyncRound,
    private readonly ctx: {
      state: StateStore;
      health: SyncHealth;
      now(): Date;
      /** How often a pull also reconciles deletions and merges (default 15 min). */
      reconcileEveryMs?: number;
      emitStatus(): void;
      log(level: 'warn', message: string): void;
    },
  ) {}

  get isRunning(): boolean {
    return this.running !== null;
  }

  /** One push + pull, single-flight. */
  sync(options: { push?: boolean; pull?: boolean } = {}): Promise<void> {
    if (this.running) return this.running;
    const { state, health } = this.ctx;
    const run = (async () => {
      health.answered = false;
      try {
        if (!this.round.hasConnector()) return;
        let ok = true;
        if (options.push !== false) ok = (await this.round.push()) && ok;
        if (options.pull !== false) {
          const wasInitial = state.getState('watermark') === null;
          ok = (await this.round.pull()) && ok;
          // Deletions and merges do not show in "changed since": compare id lists now and then.
          const last = state.getState('reconciledAt');
          const every = this.ctx.reconcileEveryMs ?? 15 * 60_000;
          if (!wasInitial && (!last || this.ctx.now().getTime() - Date.parse(last) > every)) {
            await this.round.reconcile();
            state.setState('reconciledAt', this.ctx.now().toISOString());
          } else if (wasInitial) state.setState('reconciledAt', this.ctx.now().toISOString());
        }
        // Only a server's answer is a success: a run that sent nothing proves nothing.
        if (ok && health.answered) {
          state.setState('lastSuccessAt', this.ctx.now().toISOString());
          health.lastError = null;
        }
      } catch (err) {
        health.lastError = err instanceof Error ? err.message.slice(0, 300) : String(err);
        if (err instanceof SyncError && err.kind === 'transient') health.markUnreachable();
        else if (err instanceof SyncError && err.kind === 'auth') health.authRefused = true;
        this.ctx.log('warn', `sync failed: ${health.lastError}`);
      } finally {
        this.running = null;
        this.ctx.emitStatus();
        this.scheduleRetry();
      }
    })();
    this.running = run;
    this.ctx.emitStatus();
    return run;
  }

  /** Background: re-runs push when a backoff expires; `stop()` cancels. */
  private scheduleRetry() {
    if (this.stopped || !this.round.hasConnector()) return;
    const next = this.round.nextAttemptAt();
    if (!next) return;
    const delay = Math.max(50, Date.parse(next) - this.ctx.now().getTime());
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.sync({ pull: false });
    }, delay);
    this.timer.unref?.();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
  resume(): void {
    this.stopped = false;
  }
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }
}
