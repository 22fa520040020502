/**
 * `npm run audit -- verify [--data-dir DIR]`: checks the audit log's hash chain.
 * Exit code 0 when intact, 1 when broken (prints the first altered row), 2 on error.
 * `npm run audit -- list [--limit N]` prints the latest rows.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { createAuditLog, type AuditKeyStore } from '../src/features/security/audit';
import { AUDIT_KEY_ID, fileCipher, readInternalSecret } from '../src/features/security/vault';
import { resolveDataDir } from '../src/base/paths';
import { escapeForTerminal } from '../src/base/text';

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
    let keys: AuditKeyStore;
    try {
      keys = auditKeys(db, dataDir);
    } catch {
      console.error(
        "La clé du journal d'audit est dans le trousseau du système (application installée) : vérifiez depuis Relais, Paramètres › Sécurité.\n" +
          "The audit log key is in the system keyring (installed app): verify from Relais, Settings › Security.",
      );
      return 2;
    }
    const audit = createAuditLog(db, { now: () => new Date(), actor: () => 'audit-cli', headFile: path.join(dataDir, 'audit-head.json'), keys });
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
    const why = {
      'key-missing': ["la clé du journal a disparu du coffre-fort alors que des entrées existent", 'the log key is gone from the vault while rows exist'],
      'head-missing': ["l'ancre de fin (audit-head.json) a disparu", 'the head anchor (audit-head.json) is gone'],
      emptied: ['le journal a été vidé alors que le coffre-fort atteste qu’il contenait des entrées', 'the log was emptied while the vault records that it held rows'],
    }[result.reason ?? 'key-missing'];
    if (result.reason) console.log(`Cause : ${why[0]}. / Cause: ${why[1]}.`);
    console.log(
      `Journal d'audit ROMPU à l'entrée ${result.brokenAt} (sur ${result.rows}) : cette entrée ou une précédente a été modifiée ou supprimée. Conservez une copie de ${file} et prévenez le responsable sécurité.\n` +
        `Audit log BROKEN at row ${result.brokenAt} (of ${result.rows}): that row or an earlier one was edited or deleted. Keep a copy of ${file} and tell the security officer.`,
    );
    return 1;
  } finally {
    db.close();
  }
}

/** The chain's key, read from the file vault without writing anything (the database is opened read-only). */
function auditKeys(db: Database.Database, dataDir: string): AuditKeyStore {
  const hasKeyRow = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'vault_entries'").get() && db.prepare('SELECT 1 FROM vault_entries WHERE id = ?').get(AUDIT_KEY_ID);
  let key: Buffer | null = null;
  if (hasKeyRow) {
    if (!fs.existsSync(path.join(dataDir, 'vault.key'))) throw new Error('no file vault key');
    const v = readInternalSecret(db, fileCipher(dataDir), AUDIT_KEY_ID);
    key = v ? Buffer.from(v, 'base64') : null;
  }
  return {
    get: () => key,
    create: () => {
      throw new Error('read-only');
    },
  };
}

process.exitCode = main();
