import type { Emitter } from '../base/events';
import type { Db } from './db';

/**
 * What the composition root gives a feature: the store, an emitter of the feature's own
 * events, the clock, the person at the console, the data folder and shutdown hooks.
 */
export interface FeatureHost<Events extends object> {
  readonly db: Db;
  readonly dataDir: string;
  readonly events: Emitter<Events>;
  now(): Date;
  /** The technician or hotline agent using this console (timeline, audit log). */
  currentUser(): string;
  /** Registers cleanup run at shutdown (processes, sockets, timers), last registered first. */
  onClose(fn: () => void | Promise<void>): void;
}
