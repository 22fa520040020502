/**
 * `npm run audit -- verify [--data-dir DIR]`: checks the audit log's hash chain.
 * Exit code 0 when intact, 1 when broken (prints the first altered row), 2 on error.
 * `npm run audit -- list [--limit N]` prints the latest rows.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { createAuditLog } from '../src/features/security/audit';
import { resolveDataDir } from '../src/base/paths';
import { escapeForTerminal } from '../src/domain/text';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function main(): number {
  const command = process.argv.slice(2).find((a) => !a.startsWith('--') && a !== arg('--data-dir') && a !== arg('--limit')) ?? 'verify';
  const dataDir = path.resolve(arg('--data-dir') ?? resolveDataDir());
  const file = path.join(dataDir, 'relais.db');
  if (!fs.existsSync(file)) {
    console.error(`Aucune base Relais dans ${dataDir} : indiquez le dossier avec --data-dir.\nNo Relais database in ${dataDir}: give the folder with --data-dir.`);
    return 2;
  }
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const hasTable = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit'").get();
    if (!hasTable) {
      console.log("Journal d'audit vide (aucune entrée). / Audit log empty (no rows).");
      return 0;
    }
    const audit = createAuditLog(db, { now: () => new Date(), actor: () => 'audit-cli', headFile: path.join(dataDir, 'audit-head.json') });
    if (command === 'list') {
      for (const r of audit.list({ limit: Number(arg('--limit') ?? 20) }).reverse())
        // Stored text is escaped: a name holding LF, TAB or ESC must not print a forged row.
        console.log([r.seq, r.at, r.actor, r.action, r.target ?? '', r.ticketId ?? ''].map((v) => escapeForTerminal(String(v))).join('\t'));
      return 0;
    }
    if (command !== 'verify') {
      console.error(`Commande inconnue « ${command} » : utilisez verify ou list.\nUnknown command "${command}": use verify or list.`);
      return 2;
    }
    const result = audit.verify();
    if (result.ok) {
      console.log(`Journal d'audit intact : ${result.rows} entrées vérifiées.\nAudit log intact: ${result.rows} rows verified.`);
      return 0;
    }
    console.log(
      `Journal d'audit ROMPU à l'entrée ${result.brokenAt} (sur ${result.rows}) : cette entrée ou une précédente a été modifiée ou supprimée. Conservez une copie de ${file} et prévenez le responsable sécurité.\n` +
        `Audit log BROKEN at row ${result.brokenAt} (of ${result.rows}): that row or an earlier one was edited or deleted. Keep a copy of ${file} and tell the security officer.`,
    );
    return 1;
  } finally {
    db.close();
  }
}

process.exitCode = main();
