/**
 * `npm run bench -- <suite> [args…]`: runs `bench/<suite>.ts`, which measures and writes
 * `bench/results/<suite>.json` as {"suite": ..., "metrics": {...}}. Suites are plain
 * modules that do their work on import (top-level await), so adding one is adding a file.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const suite = process.argv[2];
const here = import.meta.dirname;
const available = fs
  .readdirSync(here)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts' && !f.endsWith('.d.ts') && !f.startsWith('_'))
  .map((f) => f.replace(/\.ts$/, ''))
  .sort();

if (!suite || !/^[\w-]+$/.test(suite) || !available.includes(suite)) {
  console.error(
    `${suite ? `Suite de mesures inconnue : « ${suite} ». / Unknown benchmark suite: "${suite}".` : 'Indiquez une suite de mesures. / Name a benchmark suite.'}\n` +
      `Usage : npm run bench -- <suite>   (suites : ${available.join(', ') || 'aucune'})`,
  );
  process.exit(2);
}
await import(pathToFileURL(path.join(here, `${suite}.ts`)).href);
