import type { FeatureMigration } from '../../platform/migration';
import m0001 from '../tickets/migrations/0001-core';
import m0002 from '../tickets/migrations/0002-search-and-seed';
import m0010 from '../sync/migrations/0010-sync';
import m0020 from '../security/migrations/0020-security';
import m0030 from '../rdp/migrations/0030-remote-methods';
import m0040 from '../tools/migrations/0040-tool-runs';
import m0065 from '../seats/migrations/0065-seats';
import m0080 from '../incidents/migrations/0080-security-incidents';
import m0090 from '../dashboard/migrations/0090-dashboard-indexes';
import m0050 from '../organisation/migrations/0050-organisations';
import m0070 from '../sync/migrations/0070-sync-fidelity';
import m0100 from '../security/migrations/0100-security-state';
import m0060 from '../tickets/migrations/0060-hotline';
import m0110 from '../loans/migrations/0110-loans';
import m0140 from '../tickets/migrations/0140-ticket-links';
import m0130 from '../tickets/migrations/0130-referentials';

/**
 * Every feature's migrations. The ledger (src/platform/db.ts) applies each one missing from a
 * database in version order, whatever number it has; numbers only order them. Never edit a
 * migration that has shipped; add a new one in the feature's migrations/ folder.
 */
export const migrations: readonly FeatureMigration[] = [
  { feature: 'tickets', migration: m0001, beforeLedger: true },
  { feature: 'tickets', migration: m0002, beforeLedger: true },
  { feature: 'sync', migration: m0010, beforeLedger: true },
  { feature: 'security', migration: m0020, beforeLedger: true },
  { feature: 'rdp', migration: m0030, beforeLedger: true },
  { feature: 'tools', migration: m0040, beforeLedger: true },
  { feature: 'tickets', migration: m0060 },
  { feature: 'seats', migration: m0065 },
  { feature: 'sync', migration: m0070 },
  { feature: 'incidents', migration: m0080 },
  { feature: 'dashboard', migration: m0090 },
  { feature: 'organisation', migration: m0050 },
  { feature: 'security', migration: m0100 },
  { feature: 'loans', migration: m0110 },
  { feature: 'tickets', migration: m0140 },
  { feature: 'tickets', migration: m0130 },
];
