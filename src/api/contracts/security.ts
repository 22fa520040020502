import { z } from 'zod';
import { call, event } from '../contract-kit';
import { singleLineName } from '../../base/text';
import { secretKindSchema, vaultEntrySchema, auditRowSchema, auditStatusSchema, secret } from '../../domain/security';

export * from '../../domain/security';

const id = z.string().min(1).max(64);

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
