/**
 * The host is killed with SIGKILL in the middle of a burst of check-outs (several workers,
 * some racing for the same items). After a restart every acknowledged loan is there, no item
 * is lent twice, and each loan has its state change and its outbox row.
 */
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { spawnHostProcess, type HostProcess } from '../../support/web-host';
import { RawClient } from '../../support/ws-client';
import { makeTempDir } from '../../support/temp-dir';
import { poll } from '../../support/poll';

const temp = makeTempDir();
const env = { RELAIS_RENDERER_DIR: process.env.RELAIS_RENDERER_DIR ?? '/tmp/relais-renderer-loans' };
let host: HostProcess | null = null;
afterAll(async () => {
  await host?.stop('SIGKILL');
  temp.cleanup();
});

const ITEMS = 300;
const tag = (i: number) => `PC-${String(i).padStart(4, '0')}`;

describe('a killed host lends nothing twice and loses no acknowledged loan', () => {
  it('keeps every acknowledged check-out after SIGKILL, one active loan per item', async () => {
    host = await spawnHostProcess(temp.dir, [], env);
    const client = await RawClient.open(host.port, host.token);
    const csv = ['tag;type;serial;kit', ...Array.from({ length: ITEMS }, (_, i) => `${tag(i)};portable;SN${i};chargeur`)].join('\n');
    const imported = await client.call('loans.importItems', { csv });
    expect(imported.ok, JSON.stringify(imported.error)).toBe(true);

    const acked: { loanId: string; tag: string; agent: string }[] = [];
    let refusedTwice = 0;
    let stop = false;
    const dueAt = new Date(Date.now() + 7 * 86_400_000).toISOString();
    // Workers walk the stock in overlapping strides, so some race for the same item.
    const worker = async (w: number) => {
      for (let k = 0; !stop; k++) {
        const i = (k * 2 + (w % 2)) % ITEMS;
        const agent = `Agent ${w}-${k}`;
        const res = await Promise.race([
          client.call('loans.checkout', { agent: { name: agent }, tags: [tag(i)], dueAt }),
          new Promise<null>((r) => setTimeout(() => r(null), 3000)),
        ]);
        if (!res) return;
        if (res.ok) acked.push({ loanId: res.value.loans[0].id, tag: tag(i), agent });
        else if (res.error.code === 'LOAN_ALREADY_LENT') refusedTwice++;
        else throw new Error(JSON.stringify(res.error));
      }
    };
    const workers = [0, 1, 2, 3].map(worker);
    await poll(() => acked.length, (n) => n >= 30, { timeoutMs: 60_000, everyMs: 5, what: '30 acknowledged checkouts' });
    await host.stop('SIGKILL');
    stop = true;
    await Promise.all(workers);
    client.close();
    expect(refusedTwice).toBeGreaterThan(0);

    host = await spawnHostProcess(temp.dir, [], env);
    const again = await RawClient.open(host.port, host.token);
    for (const a of acked) {
      const got = await again.call('loans.item', { tag: a.tag });
      expect(got.ok).toBe(true);
      expect(got.value.loan, `loan of ${a.tag} acknowledged but missing`).toMatchObject({ id: a.loanId, agentName: a.agent, status: 'active' });
      expect(got.value.item.state).toBe('prete');
    }
    // Lending again after the restart is refused for every item already out.
    const retry = await again.call('loans.checkout', { agent: { name: 'Après' }, tags: [acked[0]!.tag], dueAt });
    expect(retry.error?.code).toBe('LOAN_ALREADY_LENT');
    again.close();
    await host.stop('SIGTERM');
    host = null;

    const db = new Database(path.join(temp.dir, 'relais.db'), { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    const twice = db.prepare("SELECT item_id, count(*) AS n FROM loans WHERE status = 'active' GROUP BY item_id HAVING n > 1").all();
    expect(twice).toEqual([]);
    const lent = db.prepare("SELECT count(*) FROM loan_items WHERE state = 'prete'").pluck().get();
    const active = db.prepare("SELECT count(*) FROM loans WHERE status = 'active'").pluck().get();
    expect(lent).toBe(active);
    expect(active).toBeGreaterThanOrEqual(acked.length);
    const noOutbox = db.prepare("SELECT count(*) FROM loans l WHERE NOT EXISTS (SELECT 1 FROM loan_outbox o WHERE o.loan_id = l.id AND o.kind = 'checkout')").pluck().get();
    expect(noOutbox).toBe(0);
    const noHistory = db.prepare("SELECT count(*) FROM loans l WHERE NOT EXISTS (SELECT 1 FROM loan_item_events e WHERE e.loan_id = l.id AND e.action = 'checkout')").pluck().get();
    expect(noHistory).toBe(0);
    db.close();
  }, 180_000);
});
