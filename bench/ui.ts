/**
 * UI benchmark in Chromium with 100,000 tickets behind the local web host:
 * - queue_100k_first_rows_ms: from navigating to the queue (F3 / #/queue inside the running
 *   console) to the first rows painted (median of 15; p95 beside it);
 * - queue_100k_cold_load_ms: from page.goto() of the console URL (bundle, WebSocket
 *   authentication, first query) to the first rows painted;
 * - queue_100k_all_view_ms: switching to the "Tous" view (100,000 rows) to rows painted;
 * - queue_100k_scroll_fill_p95_ms: jumping to the middle of the 100,000-row list to its rows
 *   being filled in. Target for the first: under 300 ms.
 */
import os from 'node:os';
import { benchDataDir, percentile, round, writeResults } from './_support';

process.env.RELAIS_RENDERER_DIR ??= `${os.tmpdir()}/relais-renderer-bench`;
const { buildRenderer } = await import('../scripts/build');
const { startTestHost } = await import('../test/support/web-host');
const { launchBrowser } = await import('../test/support/browser');

const N = Number(process.env.BENCH_TICKETS ?? 100_000);
await buildRenderer({ quiet: true });
const data = await benchDataDir(N);
const host = await startTestHost({ dataDir: data.dir });
const browser = await launchBrowser();
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });

  const coldStart = Date.now();
  await page.goto(host.url);
  await page.locator('[data-testid="queue-row"]').first().waitFor();
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(null))));
  const cold = Date.now() - coldStart;

  // Page scripts are passed as text: tsx would otherwise decorate nested functions with a
  // helper (__name) that does not exist in the page.
  const paintedAfter = (action: string, ready: string) =>
    page.evaluate(`new Promise((resolve) => {
      const t0 = performance.now();
      ${action};
      const check = () => ((${ready}) ? requestAnimationFrame(() => resolve(performance.now() - t0)) : requestAnimationFrame(check));
      requestAnimationFrame(check);
    })`) as Promise<number>;
  const hasRow = `document.querySelector('[data-testid="queue-row"]')`;

  const firstRows: number[] = [];
  for (let i = 0; i < 15; i++) {
    await page.evaluate(`location.hash = '#/settings'`);
    await page.locator('[data-testid="language"]').waitFor();
    firstRows.push(await paintedAfter(`location.hash = '#/queue'`, hasRow));
  }

  const allView: number[] = [];
  for (let i = 0; i < 5; i++) {
    await page.getByTestId('view-open').click();
    await page.getByTestId('queue-row').first().waitFor();
    allView.push(
      await paintedAfter(
        `document.querySelector('[data-testid="view-all"]').click()`,
        `document.querySelector('[data-testid="queue-total"]').textContent.replace(/\\D/g, '') === document.querySelector('[data-testid="view-all"] .count').textContent.replace(/\\D/g, '') && ${hasRow}`,
      ),
    );
  }

  const scroll: number[] = [];
  for (let i = 0; i < 10; i++) {
    const list = `document.querySelector('[data-testid="queue-list"]')`;
    scroll.push(
      await paintedAfter(
        `${list}.scrollTop = ${list}.scrollHeight * ${0.05 + i * 0.09}`,
        `${list}.querySelectorAll('[data-testid="queue-row"]').length > 0 && ${list}.querySelectorAll('[data-testid="queue-row-loading"]').length === 0`,
      ),
    );
  }

  writeResults('ui', {
    tickets: N,
    queue_100k_first_rows_ms: percentile(firstRows, 50),
    queue_100k_first_rows_p95_ms: percentile(firstRows, 95),
    queue_100k_cold_load_ms: cold,
    queue_100k_all_view_ms: percentile(allView, 50),
    queue_100k_scroll_fill_p95_ms: percentile(scroll, 95),
    load_average_1m: round(os.loadavg()[0]!),
  });
} finally {
  await browser.close();
  await host.dispose();
  data.cleanup();
}
