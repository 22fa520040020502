import crypto from 'node:crypto';
import path from 'node:path';
import type { Core } from '../core';
import type { Handler } from '../handler-kit';
import { createAuditLog, type AuditEntryInput, type AuditKeyStore, type AuditLog } from '../../features/security/audit';
import { AUDIT_KEY_ID, fileVaultFactory, type Vault, type VaultFactory } from '../../features/security/vault';

export interface SecurityFeature {
  handlers: SecurityHandlers;
  vault: Vault;
  audit: AuditLog;
}

type SecurityHandlers = {
  'security.vaultInfo': Handler<'security.vaultInfo'>;
  'security.vaultList': Handler<'security.vaultList'>;
  'security.vaultPut': Handler<'security.vaultPut'>;
  'security.vaultReplace': Handler<'security.vaultReplace'>;
  'security.vaultDelete': Handler<'security.vaultDelete'>;
  'security.auditVerify': Handler<'security.auditVerify'>;
  'security.auditList': Handler<'security.auditList'>;
};

/**
 * The credential vault and the audit log. `vaultFactory` comes from the Electron host
 * (safeStorage); the AES-256-GCM file vault is used otherwise.
 */
/** The audit chain's HMAC key, kept in the vault (null store when the backend has no sync access). */
function auditKeyStore(vault: Vault): AuditKeyStore | undefined {
  const internal = vault.internal;
  if (!internal) return undefined;
  return {
    get() {
      try {
        const v = internal.get(AUDIT_KEY_ID);
        return v ? Buffer.from(v, 'base64') : null;
      } catch {
        return null; // unreadable counts as missing: verify reports the chain broken
      }
    },
    create() {
      const k = crypto.randomBytes(32);
      internal.create(AUDIT_KEY_ID, "Clé du journal d'audit / audit log key", k.toString('base64'));
      return k;
    },
  };
}

export function createSecurityFeature(core: Core, deps: { vaultFactory?: VaultFactory } = {}): SecurityFeature {
  const factory = deps.vaultFactory ?? fileVaultFactory;
  const vault = factory({ db: core.db, dataDir: core.dataDir, now: () => core.now() });
  const log = createAuditLog(core.db, { now: () => core.now(), actor: () => core.currentUser(), headFile: path.join(core.dataDir, 'audit-head.json'), keys: auditKeyStore(vault) });
  const audit: AuditLog = {
    ...log,
    append(entry: AuditEntryInput) {
      const row = log.append(entry);
      core.events.emit('security.auditAppended', { seq: row.seq, action: row.action });
      return row;
    },
  };

  // Carry older data folders over (issue 18): a plain SHA-256 chain is re-keyed, vault
  // entries are bound to their ids; both once, and on the record.
  const rekeyed = log.rekey();
  if (rekeyed) audit.append({ action: 'audit.rekeyed', details: { rows: rekeyed } });
  if (vault.rebound) audit.append({ action: 'vault.rebound', details: { entries: vault.rebound } });

  const metaOrThrow = async (id: string) => {
    const m = await vault.meta(id);
    if (!m) throw new Error('vault entry vanished');
    return m;
  };

  const handlers: SecurityHandlers = {
    'security.vaultInfo': async () => ({ backend: vault.backend, entries: (await vault.list()).length }),
    'security.vaultList': async () => ({ entries: await vault.list() }),
    'security.vaultPut': async ({ label, kind, secret }) => {
      const id = await vault.put(label, secret, kind);
      audit.append({ action: 'credential.added', target: id, details: { label, kind } });
      core.events.emit('security.vaultChanged', { id });
      return metaOrThrow(id);
    },
    'security.vaultReplace': async ({ id, secret }) => {
      await vault.replace(id, secret);
      const m = await metaOrThrow(id);
      audit.append({ action: 'credential.changed', target: id, details: { label: m.label } });
      core.events.emit('security.vaultChanged', { id });
      return m;
    },
    'security.vaultDelete': async ({ id }) => {
      const m = await vault.meta(id);
      await vault.delete(id);
      audit.append({ action: 'credential.deleted', target: id, details: { label: m?.label ?? '' } });
      core.events.emit('security.vaultChanged', { id });
      return { deleted: true };
    },
    'security.auditVerify': () => audit.verify(),
    'security.auditList': (input) => ({
      rows: audit.list({ limit: input?.limit ?? 50, beforeSeq: input?.beforeSeq, ticketId: input?.ticketId }).map(({ prevHash: _p, hash: _h, ...r }) => r),
    }),
  };
  return { handlers, vault, audit };
}
