/**
 * Credential vault and audit log. The renderer may send a secret (to store or replace it)
 * but never receives one: every output here is metadata.
 */
import { z } from 'zod';
import { call, event } from '../contract-kit';
import { singleLineName } from '../../domain/text';

const id = z.string().min(1).max(64);
export const secretKindSchema = z.enum(['password', 'passphrase', 'private-key', 'token', 'other']);

export const vaultEntrySchema = z.object({
  id: z.string(),
  label: z.string(),
  kind: secretKindSchema,
  backend: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type VaultEntry = z.infer<typeof vaultEntrySchema>;

export const auditRowSchema = z.object({
  seq: z.number().int(),
  at: z.string(),
  actor: z.string(),
  action: z.string(),
  target: z.string().nullable(),
  ticketId: z.string().nullable(),
  details: z.record(z.string(), z.unknown()).nullable(),
});

export const auditStatusSchema = z.object({
  ok: z.boolean(),
  rows: z.number().int(),
  brokenAt: z.number().int().optional(),
});

const secret = z.string().min(1).max(65_536);

export const securityCalls = {
  'security.vaultInfo': call(z.strictObject({}).optional(), z.object({ backend: z.string(), entries: z.number().int() })),
  'security.vaultList': call(z.strictObject({}).optional(), z.object({ entries: z.array(vaultEntrySchema) })),
  'security.vaultPut': call(z.strictObject({ label: singleLineName(120), kind: secretKindSchema.default('password'), secret }), vaultEntrySchema),
  'security.vaultReplace': call(z.strictObject({ id, secret }), vaultEntrySchema),
  'security.vaultDelete': call(z.strictObject({ id }), z.object({ deleted: z.boolean() })),
  'security.auditVerify': call(z.strictObject({}).optional(), auditStatusSchema),
  'security.auditList': call(
    z.strictObject({ limit: z.number().int().min(1).max(500).default(50), beforeSeq: z.number().int().positive().optional(), ticketId: id.optional() }).optional(),
    z.object({ rows: z.array(auditRowSchema) }),
  ),
} as const;

export const securityEvents = {
  /** Vault entries added, replaced or deleted (metadata only). */
  'security.vaultChanged': event(z.object({ id: z.string() })),
  'security.auditAppended': event(z.object({ seq: z.number().int(), action: z.string() })),
} as const;
