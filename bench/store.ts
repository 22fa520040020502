/**
 * Store benchmarks on a real SQLite file (WAL, synchronous=FULL) with 100,000 tickets:
 * - search_100k_p95_ms: FTS query over subject/description/requester/PC/follow-ups, first page of 50;
 * - queue_page_100k_p95_ms: a filtered, sorted page of 50 (with and without its total);
 * - log_call_p99_ms: tickets.logCall's durable commit (ticket + timeline + outbox, fsync'd).
 * - rules_eval_p99_ms: the priority rules for one call (50 rules; requester snapshot, category
 *   chain and evaluation, as the call form's live explanation and logCall run them).
 * Targets: under 10, 10, 5 and 1 ms.
 * Each also has a *_cpu_* twin: the CPU time the operation used, which is what it would
 * take on an idle machine (wall-clock on a shared, overloaded machine includes the wait).
 * The store runs as in the app: WAL checkpoints happen between calls (src/platform/checkpoint.ts),
 * not inside a commit; the cost of folding the 500 calls' WAL back is reported beside.
 */
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../src/features/schema/database';
import { queryQueue } from '../src/features/tickets/queue-query';
import { createTicketWorkflow } from '../src/features/tickets/ticket-workflow';
import { listTeams } from '../src/features/tickets/repos/teams';
import { startIdleCheckpoints } from '../src/platform/checkpoint';
import type { QueueQuery } from '../src/domain/queue';
import { benchDataDir, percentile, round, timeBoth, timeMs, writeResults } from './_support';
import { createOrganisationService } from '../src/features/organisation/service';
import { createReferentials } from '../src/features/tickets/referentials';
import { insertUnit, setPersonService } from '../src/features/organisation/store';
import { listCategories } from '../src/features/tickets/repos/teams';
import type { PriorityRule } from '../src/domain/priority-rules';
import type { Tier } from '../src/domain/organisation';
import { DIRECTORY_IMPORT_TARGET_MS, measureDirectoryImport } from './_directory-import';

const N = Number(process.env.BENCH_TICKETS ?? 100_000);
const data = await benchDataDir(N);
try {
  const db = openDatabase(path.join(data.dir, 'relais.db'));
  const now = new Date();
  const ctx = { now, user: 'Karim Benali' };
  const teams = listTeams(db);

  const searches = ['imprimante', 'vpn', 'dupre', 'mot de passe', 'PC-EAU', 'certificat', 'helene martin', 'bourrage imprimante', 'messagerie lente', 'licence', 'Gauthier', 'PC-FIN-G0042', 'télétravail', 'badge portique', 'sauvegarde'];
  const search: number[] = [];
  const searchCpu: number[] = [];
  for (let round_ = 0; round_ < 20; round_++) {
    for (const text of searches) {
      const t = timeBoth(() => queryQueue(db, { filter: { text }, sort: 'number', dir: 'desc', limit: 50 }, { ...ctx, withTotal: false }));
      search.push(t.wall);
      searchCpu.push(t.cpu);
    }
  }
  const searchWithTotal: number[] = [];
  for (const text of searches) searchWithTotal.push(timeMs(() => queryQueue(db, { filter: { text }, sort: 'number', dir: 'desc', limit: 50 }, ctx)));

  const pages: QueueQuery[] = [
    { filter: { statuses: [1, 2, 3, 4] }, sort: 'updatedAt', dir: 'desc' },
    { filter: { statuses: [1, 2, 3, 4] }, sort: 'priority', dir: 'desc' },
    { filter: { statuses: [1, 2, 3, 4], unassigned: true }, sort: 'priority', dir: 'desc' },
    { filter: { teamIds: [teams[1]!.id] }, sort: 'updatedAt', dir: 'desc' },
    { filter: { technician: 'Karim Benali', statuses: [1, 2, 3, 4] }, sort: 'ttrDue', dir: 'asc' },
    { filter: { statuses: [1, 2, 3, 4], slaBreached: true }, sort: 'ttrDue', dir: 'asc' },
    { filter: { priorities: [5] }, sort: 'createdAt', dir: 'desc' },
    { filter: {}, sort: 'number', dir: 'desc' },
    { filter: {}, sort: 'updatedAt', dir: 'desc', offset: 50_000 },
    { filter: { statuses: [5, 6] }, sort: 'updatedAt', dir: 'desc' },
  ];
  const page: number[] = [];
  const pageWithTotal: number[] = [];
  const pageCpu: number[] = [];
  const perQuery = pages.map(() => [] as number[]);
  for (let r = 0; r < 20; r++) {
    pages.forEach((q, i) => {
      const t = timeBoth(() => queryQueue(db, { ...q, limit: 50 }, { ...ctx, withTotal: false }));
      page.push(t.wall);
      pageCpu.push(t.cpu);
      perQuery[i]!.push(t.wall);
    });
  }
  if (process.env.BENCH_VERBOSE) pages.forEach((q, i) => console.error(JSON.stringify(q), percentile(perQuery[i]!, 95)));
  const perSearch = new Map<string, number[]>();
  searches.forEach((s, i) => perSearch.set(s, search.filter((_, j) => j % searches.length === i)));
  if (process.env.BENCH_VERBOSE) for (const [s, xs] of perSearch) console.error(s, percentile(xs, 95));
  for (let r = 0; r < 5; r++) for (const q of pages) pageWithTotal.push(timeMs(() => queryQueue(db, { ...q, limit: 50 }, ctx)));

  const wf = createTicketWorkflow(db, { now: () => new Date(), currentUser: () => 'Standard Hotline' });
  const person = db.prepare('SELECT id FROM people LIMIT 1').get() as { id: string };
  const stopCheckpoints = startIdleCheckpoints(db);
  db.pragma('wal_checkpoint(TRUNCATE)');
  // The floor under any durable commit on this disk: one tiny row, fsync'd.
  db.exec('CREATE TABLE IF NOT EXISTS bench_noop (v)');
  const noop = db.prepare('INSERT INTO bench_noop VALUES (1)');
  const commit: number[] = [];
  for (let i = 0; i < 500; i++) commit.push(timeMs(() => db.transaction(() => noop.run())()));
  const logCall: number[] = [];
  const logCallCpu: number[] = [];
  for (let i = 0; i < 500; i++) {
    const t = timeBoth(() => wf.logCall({ requesterId: person.id, subject: `Appel ${i}`, description: 'Écran noir au démarrage du poste.', urgency: 3, impact: 2, durationSec: 90 }));
    logCall.push(t.wall);
    logCallCpu.push(t.cpu);
  }
  const checkpointMs = timeMs(() => db.pragma('wal_checkpoint(PASSIVE)'));
  stopCheckpoints();

  // 50 rules over a 2-organisation tree; the caller works in a tier 1 service.
  const services: string[] = [];
  db.transaction(() => {
    for (const org of ['metropole', 'ville']) {
      for (let d = 0; d < 5; d++) {
        const dir = insertUnit(db, { organisationId: org, parentId: null, kind: 'direction', name: `Direction ${org} ${d}`, tier: null });
        for (let s = 0; s < 4; s++) services.push(insertUnit(db, { organisationId: org, parentId: dir.id, kind: 'service', name: `Service ${d}.${s}`, tier: ((s % 3) + 1) as Tier }).id);
      }
    }
    setPersonService(db, person.id, services[0]!);
  })();
  const categories = listCategories(db).map((c) => c.id);
  const rules: PriorityRule[] = Array.from({ length: 50 }, (_, i) => ({
    id: `r${i}`,
    name: `Règle ${i}`,
    enabled: true,
    criteria: [
      { tiers: [1 as Tier] },
      { serviceIds: services.slice(i % 20, (i % 20) + 3) },
      { organisationIds: [i % 2 ? 'ville' : 'metropole'], channels: ['phone' as const] },
      { categoryIds: categories.slice(i % 5, (i % 5) + 2), types: ['incident' as const] },
      { timeOfDay: { from: '18:00', to: '08:00' } },
    ][i % 5]!,
    actions: [{ kind: 'raiseUrgency' as const, by: 1 }, { kind: 'addTag' as const, tag: `t${i % 7}` }],
    stop: false,
  }));
  const org = createOrganisationService(db, { rules }, createReferentials(db, () => new Date()).port);
  const rulesEval: number[] = [];
  const rulesEvalCpu: number[] = [];
  for (let i = 0; i < 2000; i++) {
    const categoryId = categories[i % categories.length]!;
    const t = timeBoth(() => org.classify({ requesterId: person.id, categoryId, type: 'incident', channel: 'phone', urgency: 3, impact: 3, at: new Date(), override: null }));
    rulesEval.push(t.wall);
    rulesEvalCpu.push(t.cpu);
  }
  db.close();

  const dirImport = await measureDirectoryImport(100_000);

  writeResults('store', {
    tickets: N,
    ...(data.generateMs === null ? {} : { generate_ms: round(data.generateMs) }),
    search_100k_p50_ms: percentile(search, 50),
    search_100k_p95_ms: percentile(search, 95),
    search_100k_with_total_p95_ms: percentile(searchWithTotal, 95),
    queue_page_100k_p50_ms: percentile(page, 50),
    queue_page_100k_p95_ms: percentile(page, 95),
    queue_page_100k_with_total_p95_ms: percentile(pageWithTotal, 95),
    log_call_p50_ms: percentile(logCall, 50),
    log_call_p99_ms: percentile(logCall, 99),
    search_100k_cpu_p95_ms: percentile(searchCpu, 95),
    queue_page_100k_cpu_p95_ms: percentile(pageCpu, 95),
    log_call_cpu_p99_ms: percentile(logCallCpu, 99),
    wal_checkpoint_after_500_calls_ms: round(checkpointMs),
    rules_eval_p50_ms: percentile(rulesEval, 50),
    rules_eval_p99_ms: percentile(rulesEval, 99),
    rules_eval_cpu_p99_ms: percentile(rulesEvalCpu, 99),
    fsync_commit_floor_p50_ms: percentile(commit, 50),
    fsync_commit_floor_p99_ms: percentile(commit, 99),
    directory_import_100k_ms: round(dirImport.ms),
    directory_import_100k_target_ms: DIRECTORY_IMPORT_TARGET_MS,
    directory_import_100k_cpu_ms: round(dirImport.cpuMs),
    directory_import_max_stall_ms: round(dirImport.maxStallMs),
    load_average_1m: round(os.loadavg()[0]!),
  });
} finally {
  data.cleanup();
}
