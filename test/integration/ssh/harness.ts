import { poll } from '../../support/poll';
import { createService, type Service } from '../../../src/api/service';
import { makeTempDir } from '../../support/temp-dir';

/** The real service in-process, with its own data folder, and the events it emits. */
export interface Harness {
  service: Service;
  dataDir: string;
  events: { name: string; payload: any }[];
  call(name: string, input?: unknown): Promise<any>;
  callRaw(name: string, input?: unknown): Promise<{ ok: boolean; value?: any; error?: any }>;
  waitEvent(name: string, predicate?: (p: any) => boolean, timeoutMs?: number): Promise<any>;
  output(sessionId: string): string;
  dispose(): Promise<void>;
}

export function startHarness(env: { knownHosts?: string } = {}): Harness {
  process.env.RELAIS_KNOWN_HOSTS = env.knownHosts ?? '';
  const temp = makeTempDir('relais-ssh-');
  const service = createService({ dataDir: temp.dir, host: 'web', policyFile: null });
  const events: { name: string; payload: any }[] = [];
  service.core.events.subscribe((name, payload) => events.push({ name, payload }));
  const callRaw = async (name: string, input?: unknown) => service.dispatch(name, input, { clientId: 'test' }) as Promise<any>;
  return {
    service,
    dataDir: temp.dir,
    events,
    callRaw,
    async call(name, input) {
      const r = await callRaw(name, input);
      if (!r.ok) throw Object.assign(new Error(`${name}: ${r.error.code} ${r.error.message.en}`), { error: r.error });
      return r.value;
    },
    async waitEvent(name, predicate = () => true, timeoutMs = 10_000) {
      const e = await poll(() => events.find((x) => x.name === name && predicate(x.payload)), Boolean, { timeoutMs, everyMs: 10, what: `a ${name} event` });
      return e!.payload;
    },
    output(sessionId) {
      return events
        .filter((e) => e.name === 'ssh.data' && e.payload.sessionId === sessionId)
        .map((e) => e.payload.data)
        .join('');
    },
    async dispose() {
      await service.close();
      temp.cleanup();
    },
  };
}

export async function until(fn: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  await poll(fn, Boolean, { timeoutMs, what, everyMs: 10 });
}
