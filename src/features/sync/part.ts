/** What the engine's parts (push, pull) are built from, so each is given it the same way. */
import type { Db } from '../../platform/db';
import type { TicketReplicaPort } from '../tickets/port';
import type { EngineOptions } from './engine-types';
import type { SyncHealth } from './health';

export interface SyncPartContext {
  /** The engine's options: the database, the tickets feature's replica port, the clock. */
  options: EngineOptions;
  health: SyncHealth;
  parallelism: number;
  emitStatus(): void;
  log(level: 'info' | 'warn' | 'error', message: string): void;
}

export abstract class SyncPart<C extends SyncPartContext> {
  protected readonly db: Db;
  /** The only writer of tickets and their timelines. */
  protected readonly tickets: TicketReplicaPort;
  protected readonly o: EngineOptions;
  protected readonly health: SyncHealth;
  protected readonly parallelism: number;

  constructor(protected readonly ctx: C) {
    this.o = ctx.options;
    this.db = ctx.options.db;
    this.tickets = ctx.options.tickets;
    this.health = ctx.health;
    this.parallelism = ctx.parallelism;
  }
}
