/**
 * Loans (la permanence) benchmarks, on a real SQLite file (WAL, synchronous=FULL):
 * - waitlist_rank_p95_ms: after a change (an override, a check-out, a new request), the
 *   waiting list of 10,000 requests is ranked again against 2,000 items — both queries, the
 *   shared ranking (tier → priority → age), the proposal of items to the first servable
 *   request, and the reasons of the first 200 positions. Target: under 20 ms.
 * - checkout_commit_p99_ms: one check-out (item checks, loan row, state change with its
 *   history row, outbox row) in one durable commit. Target: under 10 ms. The receipt PDF is
 *   built after the commit and measured apart (checkout_with_receipt_p50_ms, through the contract).
 */
import os from 'node:os';
import path from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import { createService } from '../src/api/service';
import { createLoansService } from '../src/features/loans/service';
import { RelaisError } from '../src/base/errors';
import { LOAN_ITEM_TYPES } from '../src/domain/loans';
import { makeTempDir } from '../test/support/temp-dir';
import { percentile, writeResults } from './_support';

const ITEMS = 2000;
const REQUESTS = 10_000;
const temp = makeTempDir('relais-bench-loans-');
const clock = { now: new Date('2026-03-12T08:00:00Z') };
const service = createService({ dataDir: path.join(temp.dir, 'data'), host: 'web', policyFile: null, clock: () => clock.now, loansAutoSync: false });
try {
  const db = service.core.db;
  const noTicket = () => {
    throw new RelaisError('NOT_FOUND', { fr: 'pas de ticket', en: 'no ticket' });
  };
  const loans = createLoansService({
    db,
    now: () => clock.now,
    actor: () => 'bench',
    tickets: { get: noTicket, appendTimeline: noTicket },
    ranking: { forPerson: () => ({ organisationId: null, serviceId: null, serviceName: null, tier: 3, priority: 3 }), person: () => null },
    remote: () => null,
  });
  // 2,000 items, about 2/3 of them lent already (the stock is short of demand).
  const header = ['tag', 'type', 'serial', 'kit'];
  const records = [header, ...Array.from({ length: ITEMS }, (_, i) => [`IT-${String(i).padStart(5, '0')}`, LOAN_ITEM_TYPES[i % 6]!, `SN${i}`, 'chargeur|sacoche'])];
  loans.importItems(records);
  db.prepare("UPDATE loan_items SET state = 'prete' WHERE rowid % 3 != 0").run();
  // 10,000 waiting requests of one or two lines, written in one setup transaction.
  db.transaction(() => {
    const req = db.prepare("INSERT INTO loan_requests (id, agent_name, tier, priority, reason, requested_at, status, created_by) VALUES (?, ?, ?, ?, 'télétravail', ?, 'waiting', 'bench')");
    const line = db.prepare('INSERT INTO loan_request_lines (request_id, type, quantity) VALUES (?, ?, ?)');
    for (let i = 0; i < REQUESTS; i++) {
      const id = uuidv7();
      req.run(id, `Agent ${i}`, [1, 2, 3, null][i % 4], (i % 6) + 1, new Date(Date.parse('2026-02-01T08:00:00Z') + i * 60_000).toISOString());
      line.run(id, LOAN_ITEM_TYPES[i % 6], 1 + (i % 2));
      if (i % 3 === 0) line.run(id, LOAN_ITEM_TYPES[(i + 1) % 6], 1);
    }
  })();
  db.exec('ANALYZE');

  for (let i = 0; i < 5; i++) loans.waitlist();
  const rank: number[] = [];
  const rankCpu: number[] = [];
  const checkout: number[] = [];
  const checkoutCpu: number[] = [];
  const cpuSince = (c0: NodeJS.CpuUsage) => {
    const c = process.cpuUsage(c0);
    return (c.user + c.system) / 1000;
  };
  const dueAt = new Date(clock.now.getTime() + 14 * 86_400_000).toISOString();
  const free = () => db.prepare("SELECT tag FROM loan_items WHERE state = 'disponible' ORDER BY random() LIMIT 1").pluck().get() as string;
  for (let i = 0; i < 300; i++) {
    // A change, then the list as the page reloads it.
    const tag = free();
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    loans.checkout({ agent: { name: `Direct ${i}`, login: null, email: null, personId: null }, tags: [tag], dueAt, condition: 'Bon état' });
    checkout.push(performance.now() - t0);
    checkoutCpu.push(cpuSince(c0));
    if (i % 3 === 0) {
      const id = db.prepare("SELECT id FROM loan_requests WHERE status = 'waiting' ORDER BY random() LIMIT 1").pluck().get() as string;
      loans.overrideRequest(id, 'bench: passage en tête');
    }
    const c1 = process.cpuUsage();
    const t1 = performance.now();
    const w = loans.waitlist();
    rank.push(performance.now() - t1);
    rankCpu.push(cpuSince(c1));
    if (w.total !== REQUESTS) throw new Error(`waiting list lost requests: ${w.total}`);
  }

  // Through the contract, with the receipt PDF (after the commit): what the operator waits for.
  const withReceipt: number[] = [];
  for (let i = 0; i < 40; i++) {
    const tag = free();
    const t0 = performance.now();
    const r = await service.dispatch('loans.checkout', { agent: { name: `Guichet ${i}` }, tags: [tag], dueAt }, { clientId: 'bench' });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    withReceipt.push(performance.now() - t0);
  }

  writeResults('loans', {
    waitlist_rank_p50_ms: percentile(rank, 50),
    waitlist_rank_p95_ms: percentile(rank, 95),
    // CPU time of the same calls: on a shared machine the wall clock includes waiting for a core.
    waitlist_rank_cpu_p95_ms: percentile(rankCpu, 95),
    waitlist_requests: REQUESTS,
    waitlist_items: ITEMS,
    checkout_commit_p50_ms: percentile(checkout, 50),
    checkout_commit_p99_ms: percentile(checkout, 99),
    checkout_commit_cpu_p99_ms: percentile(checkoutCpu, 99),
    checkout_runs: checkout.length,
    load_average_1m: Math.round(os.loadavg()[0]! * 100) / 100,
    checkout_with_receipt_p50_ms: percentile(withReceipt, 50),
  });
} finally {
  await service.close();
  temp.cleanup();
}
