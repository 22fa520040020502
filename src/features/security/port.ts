import type { AuditEntryInput } from './audit';

/** What other features may ask of the security feature's hash-chained audit log. */
export interface AuditPort {
  append(entry: AuditEntryInput): void;
}
