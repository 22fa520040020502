import fs from 'node:fs';
import path from 'node:path';

/** Shared by the suites: percentiles and the results file in the agreed format. */
export function percentile(samples: number[], p: number): number {
  const s = [...samples].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const i = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return round(s[i]!);
}
export const round = (n: number) => Math.round(n * 1000) / 1000;

export function writeResults(suite: string, metrics: Record<string, number | string>): string {
  const dir = path.join(import.meta.dirname, 'results');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${suite}.json`);
  fs.writeFileSync(file, `${JSON.stringify({ suite, metrics }, null, 2)}\n`);
  console.log(JSON.stringify({ suite, metrics }, null, 2));
  return file;
}

/**
 * Wall-clock and CPU time of one run. On a machine shared with other work, wall-clock
 * includes waiting for a core; the CPU time is what the operation itself cost.
 */
export function timeBoth(fn: () => void): { wall: number; cpu: number } {
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  fn();
  const wall = Number(process.hrtime.bigint() - t0) / 1e6;
  const c = process.cpuUsage(c0);
  return { wall, cpu: (c.user + c.system) / 1000 };
}

export function timeMs(fn: () => void): number {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/**
 * A data folder holding `relais.db` with N generated tickets. Generating 100,000 tickets
 * takes a minute or more on a busy machine, so the result is cached in the temp folder
 * (keyed by N and the schema version) and copied for each run.
 */
export async function benchDataDir(n: number): Promise<{ dir: string; cleanup(): void; generateMs: number | null }> {
  const { openDatabase } = await import('../src/features/schema/database');
  const { generateTickets } = await import('../src/features/tickets/generate');
  const { migrations } = await import('../src/features/schema/migrations');
  const os = await import('node:os');
  const crypto = await import('node:crypto');
  // Keyed by the schema's source too: a changed index must not be measured on an old file.
  const schema = crypto.createHash('sha256').update(migrations.map(({ migration: m }) => `${m.version}:${m.up.toString()}`).join('\n')).update(generateTickets.toString()).digest('hex').slice(0, 12);
  const cache = path.join(os.tmpdir(), `relais-bench-${n}-${schema}.db`);
  let generateMs: number | null = null;
  if (!fs.existsSync(cache)) {
    const tmp = `${cache}.${process.pid}.tmp`;
    const db = openDatabase(tmp);
    generateMs = timeMs(() => generateTickets(db, n, { now: new Date(), people: 3000 }));
    db.exec('ANALYZE');
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    fs.renameSync(tmp, cache);
    for (const f of [`${tmp}-wal`, `${tmp}-shm`]) fs.rmSync(f, { force: true });
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'relais-bench-'));
  fs.copyFileSync(cache, path.join(dir, 'relais.db'));
  return { dir, generateMs, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
