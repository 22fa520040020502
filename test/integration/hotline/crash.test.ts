import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { spawnHostProcess, type HostProcess } from '../../support/web-host';
import { RawClient } from '../../support/ws-client';
import { makeTempDir } from '../../support/temp-dir';
import { poll } from '../../support/poll';

const temp = makeTempDir();
const env = { RELAIS_RENDERER_DIR: process.env.RELAIS_RENDERER_DIR ?? '/tmp/relais-renderer-hotline' };
let host: HostProcess | null = null;
afterAll(async () => {
  await host?.stop('SIGKILL');
  temp.cleanup();
});

describe('a killed host loses no acknowledged call', () => {
  it('keeps every call acknowledged before SIGKILL, and the database is intact', async () => {
    host = await spawnHostProcess(temp.dir, [], env);
    const client = await RawClient.open(host.port, host.token);
    const acked: { id: string; n: number }[] = [];
    let sent = 0;
    let stop = false;
    // Four calls in flight at any time, so the kill lands in the middle of writes.
    const worker = async () => {
      while (!stop) {
        const n = sent++;
        const res = await Promise.race([
          client.call('tickets.logCall', { requesterName: `Appelant ${n}`, subject: `Appel ${n}`, description: `Appel numéro ${n} avant la coupure`, durationSec: n }),
          new Promise<null>((r) => setTimeout(() => r(null), 3000)),
        ]);
        if (res?.ok) acked.push({ id: res.value.id, n });
        else if (res) throw new Error(JSON.stringify(res.error));
        else return;
      }
    };
    const workers = [worker(), worker(), worker(), worker()];
    await poll(() => acked.length, (n) => n >= 40, { timeoutMs: 60_000, everyMs: 5, what: '40 acknowledged calls' });
    await host.stop('SIGKILL');
    stop = true;
    await Promise.all(workers);
    client.close();
    expect(acked.length).toBeGreaterThanOrEqual(40);

    host = await spawnHostProcess(temp.dir, [], env);
    const again = await RawClient.open(host.port, host.token);
    for (const a of acked) {
      const got = await again.call('tickets.get', { id: a.id });
      expect(got.ok, `call ${a.n} acknowledged but missing`).toBe(true);
      expect(got.value.ticket.subject).toBe(`Appel ${a.n}`);
      expect(got.value.timeline[0].data.durationSec).toBe(a.n);
    }
    again.close();
    await host.stop('SIGTERM');
    host = null;

    const db = new Database(path.join(temp.dir, 'relais.db'));
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    // Each ticket has its outbox row: the change and its sync record went together.
    const orphans = db.prepare("SELECT COUNT(*) AS n FROM tickets t WHERE NOT EXISTS (SELECT 1 FROM outbox o WHERE o.ticket_id = t.id AND o.kind = 'ticket.create')").get() as { n: number };
    expect(orphans.n).toBe(0);
    db.close();
  });
});
