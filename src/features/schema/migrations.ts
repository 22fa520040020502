import type { Migration } from '../../platform/migration';
import m0001 from '../tickets/migrations/0001-core';
import m0010 from '../sync/migrations/0010-sync';
import m0020 from '../security/migrations/0020-security';
import m0030 from '../rdp/migrations/0030-remote-methods';
import m0040 from '../tools/migrations/0040-tool-runs';
import m0002 from '../tickets/migrations/0002-search-and-seed';
import m0060 from '../tickets/migrations/0060-hotline';

/**
 * Every migration, in order. Numbers are reserved by feature so parallel work never
 * collides: 0001–0009 tickets/directory, 0010–0019 sync, 0020–0029 security + SSH,
 * 0030–0039 RDP, 0040–0049 tools and checklists. Never edit a migration that has shipped;
 * add a new one.
 */
export const migrations: readonly Migration[] = [m0001, m0010, m0020, m0002, m0030, m0040, m0060];
