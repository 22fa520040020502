/**
 * `directory_import_100k_ms` (store suite): 100,000 people then 100,000 PCs imported from CSV
 * into an empty store through the hosts' import path (chunked checking, one write
 * transaction each), target under 10 s; and the longest the event loop waited meanwhile
 * (`directory_import_max_stall_ms`), i.e. how long another call could be kept waiting.
 * CPU time is reported beside wall time: on a shared, loaded machine it is the steadier figure.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../src/features/schema/database';
import { importDirectory } from '../src/features/tickets/directory-import';

export const DIRECTORY_IMPORT_TARGET_MS = 10_000;

export function directoryCsv(n: number): { people: string; assets: string } {
  const people = ['nom;prénom;service;téléphone;e-mail;site'];
  const assets = ['nom;numéro de série;utilisateur;IP;OS'];
  for (let i = 0; i < n; i++) {
    people.push(`Nom${i};Prénom${i};Service ${i % 40};01 23 45 ${String(i % 100).padStart(2, '0')} ${String(i % 97).padStart(2, '0')};agent${i}@ville.example;Site ${i % 12}`);
    // Half linked by e-mail, half by "nom prénom", as exports from real directories mix both.
    assets.push(`PC-${String(i).padStart(6, '0')};SN${i};${i % 2 ? `agent${i}@ville.example` : `Nom${i} Prénom${i}`};10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255};Windows 11`);
  }
  return { people: people.join('\n'), assets: assets.join('\n') };
}

export async function measureDirectoryImport(n = 100_000): Promise<{ ms: number; cpuMs: number; maxStallMs: number; people: number; assets: number }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'relais-bench-import-'));
  try {
    const db = openDatabase(path.join(dir, 'relais.db'));
    const csv = directoryCsv(n);
    let maxStall = 0;
    let last = performance.now();
    const probe = setInterval(() => {
      const now = performance.now();
      maxStall = Math.max(maxStall, now - last - 5);
      last = now;
    }, 5);
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const people = await importDirectory(db, 'people', csv.people);
    const assets = await importDirectory(db, 'assets', csv.assets);
    const ms = performance.now() - t0;
    const c = process.cpuUsage(c0);
    const cpuMs = (c.user + c.system) / 1000;
    clearInterval(probe);
    db.close();
    return { ms, cpuMs, maxStallMs: maxStall, people, assets };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
