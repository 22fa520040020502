/**
 * The shared setup of the integration tests that drive the real service through its
 * contract: a fresh data folder for each test, the service opened on it, closed and removed
 * after the test (the hooks are registered by the call, at the top of the test file).
 */
import path from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { createService, type Service, type ServiceOptions } from '../../src/api/service';
import type { CallInput, CallName, CallOutput, SerializedError } from '../../src/api/contract';
import { makeTempDir } from './temp-dir';

export interface CoreFixture {
  /** The service of the running test. */
  readonly service: Service;
  /** The test's own folder (the data folder is `data/` inside it). */
  readonly dir: string;
  /** Opens the service now, with these options (for tests that choose them). */
  open(options?: Partial<ServiceOptions>): Service;
  /** A contract call that must succeed; its typed value. */
  call<N extends CallName>(name: N, input: CallInput<N>): Promise<CallOutput<N>>;
  /** A contract call that must be refused; its error. */
  refused(name: CallName, input: unknown): Promise<SerializedError>;
}

/**
 * `options`: the service's options for every test (read when each test starts, so a clock
 * closure sees the test's own time); `lazy`: each test opens the service itself with `open`.
 */
export function makeCore(options: Partial<ServiceOptions> = {}, { lazy = false } = {}): CoreFixture {
  let temp: ReturnType<typeof makeTempDir> | undefined;
  let service: Service | undefined;
  const fixture: CoreFixture = {
    get service() {
      if (!service) throw new Error('the service is opened in beforeEach (or by open())');
      return service;
    },
    get dir() {
      if (!temp) throw new Error('the test folder is made in beforeEach');
      return temp.dir;
    },
    open(extra = {}) {
      service = createService({ dataDir: path.join(fixture.dir, 'data'), host: 'web', policyFile: null, ...options, ...extra });
      return service;
    },
    async call(name, input) {
      const r = await fixture.service.dispatch(name, input, { clientId: 't' });
      if (!r.ok) throw Object.assign(new Error(r.error.message.en), { relais: r.error });
      return r.value as CallOutput<typeof name>;
    },
    async refused(name, input) {
      const r = await fixture.service.dispatch(name, input, { clientId: 't' });
      if (r.ok) throw new Error(`${name} should have been refused`);
      return r.error;
    },
  };
  beforeEach(() => {
    temp = makeTempDir();
    if (!lazy) fixture.open();
  });
  afterEach(async () => {
    await service?.close();
    service = undefined;
    temp?.cleanup();
    temp = undefined;
  });
  return fixture;
}
