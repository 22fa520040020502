/**
 * Dashboard benchmark on the 100,000-ticket store:
 * - dashboard_30d_p95_ms: computing every activity figure for the last 30 days, all
 *   organisations, straight from the store (the cache bypassed), p95 of 40 runs. Target < 150 ms.
 * - dashboard_first_paint_ms: in Chromium, from navigating to the dashboard (30 days) inside
 *   the running console to every chart painted, with the core's cache emptied by a logged
 *   call before each run (median of 10; p95 beside it). Target < 500 ms.
 * - dashboard_cold_load_ms: page.goto() of the console straight onto the dashboard (bundle,
 *   the lazily loaded charts chunk, WebSocket authentication, figures) to the charts painted.
 * The generated tickets get an organisation and a service (the schema of issue 12, created
 * when missing) so the organisation split is measured too.
 */
import os from 'node:os';
import { benchDataDir, percentile, round, timeBoth, writeResults } from './_support';

process.env.RELAIS_RENDERER_DIR ??= `${os.tmpdir()}/relais-renderer-bench`;
const { buildRenderer } = await import('../scripts/build');
const { startTestHost } = await import('../test/support/web-host');
const { launchBrowser } = await import('../test/support/browser');
const { RawClient } = await import('../test/support/ws-client');
const { openDatabase } = await import('../src/features/schema/database');
const { computeDashboard, detectCapabilities } = await import('../src/features/dashboard/aggregates');
const { dashboardSelectionSchema } = await import('../src/domain/dashboard');
const { ensureOrganisationSchema } = await import('../test/unit/dashboard/fixture');

const N = Number(process.env.BENCH_TICKETS ?? 100_000);
await buildRenderer({ quiet: true });
const data = await benchDataDir(N);

// Organisation model and a spread of tickets over its services (what issue 12 will fill in).
{
  const db = openDatabase(`${data.dir}/relais.db`);
  const org = ensureOrganisationSchema(db);
  const cases = org.services.map((s, i) => `WHEN ${i} THEN '${s.id}'`).join(' ');
  const orgCases = org.services.map((s, i) => `WHEN ${i} THEN '${s.organisationId}'`).join(' ');
  const k = org.services.length;
  db.exec(`UPDATE tickets SET service_id = CASE number % ${k} ${cases} END, organisation_id = CASE number % ${k} ${orgCases} END`);
  db.exec('ANALYZE');
  db.close();
}

const compute: number[] = [];
const cpu: number[] = [];
{
  const db = openDatabase(`${data.dir}/relais.db`);
  const sel = dashboardSelectionSchema.parse({ period: '30d' });
  const now = new Date();
  let calls = 0;
  for (let i = 0; i < 45; i++) {
    const t = timeBoth(() => {
      calls = computeDashboard(db, sel, now, detectCapabilities(db)).calls.total;
    });
    if (i >= 5) {
      compute.push(t.wall);
      cpu.push(t.cpu);
    }
  }
  console.log(`30 days: ${calls} calls; compute p95 ${percentile(compute, 95)} ms, median ${percentile(compute, 50)} ms`);
  db.close();
}

const host = await startTestHost({ dataDir: data.dir });
const browser = await launchBrowser();
try {
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  const chartsPainted = `document.querySelectorAll('[data-testid="chart-daily"] canvas').length > 0 && document.querySelectorAll('[data-testid="chart-calls"] canvas').length > 0`;

  const coldStart = Date.now();
  await page.goto(`${host.url.replace(/#.*$/, '')}#token=${host.token}`);
  await page.locator('nav a').first().waitFor();
  await page.evaluate(`location.hash = '#/dashboard?period=30d'`);
  await page.locator('[data-testid="chart-daily"] canvas').first().waitFor({ state: 'attached' });
  await page.locator('[data-testid="chart-calls"] canvas').first().waitFor({ state: 'attached' });
  const cold = Date.now() - coldStart;

  const client = await RawClient.open(host.port, host.token);
  const paint: number[] = [];
  const dataReady: number[] = [];
  for (let i = 0; i < 10; i++) {
    await page.evaluate(`location.hash = '#/settings'`);
    await page.locator('[data-testid="language"]').waitFor();
    // A ticket event empties the core's cache: each run computes the figures afresh.
    const r = await client.call('tickets.logCall', { subject: `Mesure ${i}`, requesterName: 'Banc de mesure' });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    await page.evaluate('performance.clearMarks()');
    paint.push(
      (await page.evaluate(`new Promise((resolve) => {
        const t0 = performance.now();
        window.__t0 = t0;
        location.hash = '#/dashboard?period=30d';
        const check = () => ((${chartsPainted}) ? requestAnimationFrame(() => resolve(performance.now() - t0)) : requestAnimationFrame(check));
        requestAnimationFrame(check);
      })`)) as number,
    );
    dataReady.push((await page.evaluate(`performance.getEntriesByName('relais:dashboard-data')[0].startTime - window.__t0`)) as number);
  }
  client.close();

  writeResults('dashboard', {
    tickets: N,
    dashboard_30d_p95_ms: percentile(compute, 95),
    dashboard_30d_median_ms: percentile(compute, 50),
    dashboard_30d_cpu_p95_ms: percentile(cpu, 95),
    dashboard_first_paint_ms: percentile(paint, 50),
    dashboard_first_paint_p95_ms: percentile(paint, 95),
    /** Of the first paint: until the figures reached the page (the rest is React and ECharts drawing). */
    dashboard_data_ready_ms: percentile(dataReady, 50),
    dashboard_cold_load_ms: cold,
    load_average_1m: round(os.loadavg()[0]!),
  });
} finally {
  await browser.close();
  await host.dispose();
  data.cleanup();
}
