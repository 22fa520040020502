/**
 * What the engine knows of the server's health between runs: whether it answered, since when
 * it has not, whether it refused the token, the last error. The status bar's one sentence is
 * computed from it (`SyncEngine.status`).
 */
import type { StateStore } from './config';

export class SyncHealth {
  online: boolean | null = null;
  lastError: string | null = null;
  /** The server answered 401 even after the token was re-read: every operation will fail. */
  authRefused = false;
  /** The server answered at least once during the current run. */
  answered = false;

  constructor(
    private readonly state: StateStore,
    private readonly now: () => Date,
  ) {}

  /** A new connector: nothing is known of it yet. */
  reset(): void {
    this.online = null;
    this.authRefused = false;
    this.lastError = null;
    this.state.setState('unreachableSince', null);
  }
  /** The server answered (any HTTP answer but 401): it is reachable and the token works. */
  markAnswered(): void {
    this.answered = true;
    this.online = true;
    this.authRefused = false;
    if (this.state.getState('unreachableSince') !== null) this.state.setState('unreachableSince', null);
  }
  markUnreachable(): void {
    this.online = false;
    if (this.state.getState('unreachableSince') === null) this.state.setState('unreachableSince', this.now().toISOString());
  }
  /** 401 after a re-authentication: the server answered, and refuses the token. */
  markAuthRefused(): void {
    this.online = true;
    this.answered = true;
    this.authRefused = true;
  }
}
