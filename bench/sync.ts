/**
 * `npm run bench -- sync`: the cost of the sync engine over the raw REST calls, against a
 * real Request Tracker 5 on 127.0.0.1 (test/services/rt.ts).
 * - the real mix (issue 17): each offline call is a create, a public reply, a private comment
 *   and, for every other call, a status change ("En attente");
 * - raw_rest_1000_ms: the same REST calls made directly with axios for 1,000 calls (same
 *   bodies, the read before an update that the three-way merge needs, same parallelism);
 * - drain_1000_ms: the same 1,000 calls drained by the engine from the outbox — durable
 *   bookkeeping, mapping and retries included;
 *   both are measured in interleaved blocks of 250, alternating which goes first, so server
 *   drift (a growing database, the machine's load) hits both alike;
 * - drain_overhead_ratio = drain / raw (target ≤ 1.10);
 * - initial_pull_5000_ms: first sync of a server holding 5,000 tickets (the bench's own
 *   creates topped up by a bulk load in RT's database), from an empty local store; their
 *   follow-ups come when a ticket is opened ("historique partiel"), not in the first pull;
 * - raw_paging_5000_ms: the same ticket pages fetched raw (same query, fields, page size,
 *   parallelism); initial_pull_ratio = initial pull / raw paging (target ≤ 1.2).
 * Options: SYNC_BENCH_N (default 1000), SYNC_BENCH_PULL (default 5000), SYNC_BENCH_PAR (4).
 */
import axios from 'axios';
import http from 'node:http';
import { startRt } from '../test/services/rt';
import { addFollowup, localUpdate, logCall, makeHarness } from '../test/support/sync-harness';
import { round, writeResults } from './_support';

const N = Number(process.env.SYNC_BENCH_N ?? 1000);
const PULL = Number(process.env.SYNC_BENCH_PULL ?? 5000);
const PAR = Number(process.env.SYNC_BENCH_PAR ?? 4);
const BLOCK = Math.min(250, N);

const rt = await startRt();
try {
  const raw = axios.create({
    baseURL: `${rt.url}/REST/2.0`,
    headers: { Authorization: `token ${rt.token}`, 'Content-Type': 'application/json' },
    httpAgent: new http.Agent({ keepAlive: true, maxSockets: PAR }),
    timeout: 60_000,
    proxy: false,
  });
  /** The body the RT connector sends for a logged call (same fields, same custom fields). */
  const body = (i: number) => ({
    Queue: 'Hotline',
    Subject: `Bench brut ${i}`,
    Priority: 3,
    Status: 'new',
    Content: `Bench brut ${i}`,
    ContentType: 'text/plain',
    CustomFields: { Urgency: '3', Impact: '3', Type: 'incident', Category: '', Asset: '', Requester: 'Agent Test · 0102030405', RelaisOpId: `00000000-0000-7000-8000-${String(i).padStart(12, '0')}` },
  });
  const withStatus = (i: number) => i % 2 === 0;
  /** One call's writes, in the order the engine sends them (FIFO per ticket). */
  async function rawCall(i: number) {
    const created = await raw.post('/ticket', body(i));
    if (created.status !== 201) throw new Error(`raw create failed: ${created.status}`);
    const id = String(created.data.id);
    const marker = (k: string) => `\n\n[relais-op:00000000-0000-7000-8${k}00-${String(i).padStart(12, '0')}]`;
    // A reply carries the status the operator left (RT reopens new/resolved tickets on reply).
    const r = await raw.post(`/ticket/${id}/correspond`, { Content: `Réponse ${i}${marker('1')}`, ContentType: 'text/plain', Status: 'new' });
    if (r.status !== 201) throw new Error(`raw reply failed: ${r.status}`);
    const c = await raw.post(`/ticket/${id}/comment`, { Content: `Note ${i}${marker('2')}`, ContentType: 'text/plain' });
    if (c.status !== 201) throw new Error(`raw comment failed: ${c.status}`);
    if (withStatus(i)) {
      const g = await raw.get(`/ticket/${id}`);
      const u = await raw.put(`/ticket/${id}`, { Status: 'stalled', CustomFields: { RelaisStatus: '4' } }, { headers: { 'If-Match': String(g.headers.etag) } });
      if (u.status !== 200) throw new Error(`raw update failed: ${u.status}`);
    }
  }
  async function rawBlock(from: number, n: number): Promise<number> {
    let next = from;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: PAR }, async () => {
        while (next < from + n) await rawCall(next++);
      }),
    );
    return performance.now() - t0;
  }
  function logMix(h: Awaited<ReturnType<typeof makeHarness>>, i: number, subject: string) {
    const c = logCall(h.core.db, { subject });
    addFollowup(h.core.db, c.ticketId, `Réponse ${i}`, false);
    addFollowup(h.core.db, c.ticketId, `Note ${i}`, true);
    if (withStatus(i)) localUpdate(h.core.db, c.ticketId, { status: 4 });
  }

  const h = await makeHarness({ timeoutMs: 60_000, engine: { parallelism: PAR } });
  let rawMs = 0;
  let drainMs = 0;
  try {
    await h.sync.handlers['sync.configure']({ kind: 'rt', url: rt.url, token: rt.token }, { clientId: 'bench' });
    await h.sync.engine.idle();
    // Warm-up (connections, RT caches) outside the measurement.
    await rawBlock(1_000_000, PAR * 2);
    for (let i = 0; i < PAR * 2; i++) logMix(h, i, `warm ${i}`);
    await h.sync.engine.push();
    for (let done = 0, block = 0; done < N; done += BLOCK, block++) {
      const n = Math.min(BLOCK, N - done);
      for (let i = 0; i < n; i++) logMix(h, done + i, `Bench moteur ${done + i}`);
      const drain = async () => {
        const t0 = performance.now();
        await h.sync.engine.push();
        drainMs += performance.now() - t0;
      };
      // Alternate which goes first, so neither always meets the server right after a burst.
      if (block % 2 === 0) {
        rawMs += await rawBlock(done, n);
        await drain();
      } else {
        await drain();
        rawMs += await rawBlock(done, n);
      }
      const left = (h.core.db.prepare("SELECT COUNT(*) AS n FROM outbox WHERE state != 'done'").get() as { n: number }).n;
      if (left) throw new Error(`drain left ${left} operations: ${h.sync.engine.status().lastError}`);
      console.error(`[bench sync] ${done + n}/${N}: raw ${Math.round(rawMs)} ms, drain ${Math.round(drainMs)} ms`);
    }
  } finally {
    await h.dispose();
  }

  // Bulk-load tickets straight into RT's database (creating them over REST would take
  // minutes) so that the server holds PULL tickets in all.
  const existing = Number((await rt.sql('SELECT COUNT(*) FROM Tickets;')).trim());
  const toLoad = Math.max(1, PULL - existing);
  await rt.sql(`
    WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < ${toLoad})
    INSERT INTO Tickets (Queue, Type, Owner, Subject, Priority, InitialPriority, FinalPriority, Status, LastUpdatedBy, LastUpdated, Creator, Created, Starts, Started, Due, Resolved, Told)
    SELECT (SELECT id FROM Queues WHERE Name = 'Hotline'), 'ticket', (SELECT id FROM Users WHERE Name = 'Nobody'), 'Ticket serveur ' || i, 3, 0, 0,
           CASE i % 3 WHEN 0 THEN 'new' WHEN 1 THEN 'open' ELSE 'stalled' END, 1, datetime('now', '-' || (${toLoad} - i) || ' seconds'), 1, datetime('now', '-1 day'),
           '1970-01-01 00:00:00', '1970-01-01 00:00:00', '1970-01-01 00:00:00', '1970-01-01 00:00:00', '1970-01-01 00:00:00'
    FROM seq;
    UPDATE Tickets SET EffectiveId = id WHERE EffectiveId = 0 OR EffectiveId IS NULL;
  `);
  const serverTotal = Number((await rt.sql('SELECT COUNT(*) FROM Tickets;')).trim());
  /** The first pull's ticket pages, fetched raw: same query, fields, page size and parallelism. */
  async function rawPaging(): Promise<number> {
    const t0 = performance.now();
    const params = (page: number) => ({ query: 'id > 0', orderby: ['LastUpdated', 'id'], order: ['ASC', 'ASC'], page, per_page: 100, fields: 'Subject,Status,Priority,LastUpdated,Created,Queue,Owner,CustomFields', 'fields[Queue]': 'Name', 'fields[Owner]': 'Name' });
    const first = await raw.get('/tickets', { params: params(1), paramsSerializer: { indexes: null } });
    const pages = Math.ceil(Number(first.data.total) / 100);
    let next = 2;
    await Promise.all(
      Array.from({ length: PAR }, async () => {
        while (next <= pages) {
          const r = await raw.get('/tickets', { params: params(next++), paramsSerializer: { indexes: null } });
          if (r.status !== 200) throw new Error(`raw page failed: ${r.status}`);
        }
      }),
    );
    return performance.now() - t0;
  }
  const rawPull1 = await rawPaging();
  const p = await makeHarness({ timeoutMs: 60_000, engine: { parallelism: PAR } });
  let pullMs = 0;
  let pulled = 0;
  try {
    // configure starts the first sync in the background: measured from there to idle.
    const t0 = performance.now();
    await p.sync.handlers['sync.configure']({ kind: 'rt', url: rt.url, token: rt.token }, { clientId: 'bench' });
    await p.sync.engine.idle();
    pullMs = performance.now() - t0;
    pulled = (p.core.db.prepare('SELECT COUNT(*) AS n FROM tickets').get() as { n: number }).n;
  } finally {
    await p.dispose();
  }
  const rawPullMs = (rawPull1 + (await rawPaging())) / 2;
  writeResults('sync', {
    drain_1000_ms: round(drainMs * (1000 / N)),
    raw_rest_1000_ms: round(rawMs * (1000 / N)),
    drain_overhead_ratio: round(drainMs / rawMs),
    initial_pull_5000_ms: round(pullMs * (5000 / Math.max(1, pulled))),
    raw_paging_5000_ms: round(rawPullMs * (5000 / Math.max(1, pulled))),
    initial_pull_ratio: round(pullMs / rawPullMs),
    initial_pull_tickets: pulled,
    server_tickets: serverTotal,
    parallelism: PAR,
    operations: N,
  });
} finally {
  await rt.dispose();
}
