import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import { openDatabase, type Db } from '../features/schema/database';
import { EventBus } from '../base/events';
import type { CoreEvents } from './contract';
import { PreferencesService, jsonFileBackend, type PreferencesBackend } from '../base/preferences';
import { loadPolicy, type LoadedPolicy } from '../base/policy';
import { defaultPolicyFile } from '../base/paths';

export type HostKind = 'electron' | 'web';

export interface CoreOptions {
  dataDir: string;
  host: HostKind;
  /** Fill an empty data folder with the demo data set. */
  demo?: boolean;
  /** Electron passes electron-store here; the web host uses a JSON file. */
  preferencesBackend?: PreferencesBackend;
  /** null: no policy file (tests). Absent: the platform's default location. */
  policyFile?: string | null;
  /** A packaged (installed) build: the policy file location ignores the environment. */
  packaged?: boolean;
  /** Injectable clock, for SLA and timeline tests. */
  clock?: () => Date;
}

/**
 * What every feature's handlers share: the store, the event bus, preferences and policy,
 * the clock and the identity of the person at the console. Features build their own
 * services on top of it in `handlers/<feature>.ts`.
 */
export interface Core {
  readonly dataDir: string;
  readonly host: HostKind;
  readonly demo: boolean;
  readonly db: Db;
  readonly events: EventBus<CoreEvents>;
  readonly prefs: PreferencesService;
  readonly policy: LoadedPolicy;
  now(): Date;
  /** The technician or hotline agent using this console (timeline, audit log). */
  currentUser(): string;
  /** Registers cleanup run by `close()` (processes, sockets, timers), last registered first. */
  onClose(fn: () => void | Promise<void>): void;
  close(): Promise<void>;
}

export function createCore(options: CoreOptions): Core {
  fs.mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const db = openDatabase(path.join(options.dataDir, 'relais.db'));
  const policy = loadPolicy(options.policyFile === undefined ? defaultPolicyFile(process.env, process.platform, options.packaged ?? false) : options.policyFile);
  const prefs = new PreferencesService(options.preferencesBackend ?? jsonFileBackend(options.dataDir), policy);
  const closers: (() => void | Promise<void>)[] = [];
  const clock = options.clock ?? (() => new Date());
  let closed = false;
  return {
    dataDir: options.dataDir,
    host: options.host,
    demo: options.demo ?? false,
    db,
    events: new EventBus<CoreEvents>(),
    prefs,
    policy,
    now: clock,
    currentUser: () => prefs.get().userLogin ?? prefs.get().userName ?? osUserName(),
    onClose: (fn) => void closers.push(fn),
    async close() {
      if (closed) return;
      closed = true;
      for (const fn of closers.reverse()) {
        try {
          await fn();
        } catch {
          // Keep closing the rest.
        }
      }
      db.close();
    },
  };
}

/**
 * Before the operator said who they are: the system account, unless it is an administrator
 * account ("root" on a technician's ticket says nothing and is refused by ITSM servers).
 */
function osUserName(): string {
  try {
    const name = os.userInfo().username;
    return /^(root|administrator|administrateur|system)$/i.test(name) ? 'technicien' : name;
  } catch {
    return 'technicien';
  }
}
