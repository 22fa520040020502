import type { z } from 'zod';
import type { Db } from '../../platform/db';
import { readSetting, writeSetting } from './repos/settings';

/**
 * The data settings (the `settings` table, owned by the tickets feature) as other features
 * keep their own keys in it — sync's RT queue map and organisation mapping, for example.
 * A value is validated by the reader's schema; a missing or broken one gives the fallback.
 */
export interface DataSettingsPort {
  read<S extends z.ZodType>(key: string, schema: S, fallback: z.output<S>): z.output<S>;
  /** Stores the value (as JSON) after checking it against the schema it will be read with. */
  write<S extends z.ZodType>(key: string, schema: S, value: z.output<S>): void;
}

export function createDataSettings(db: Db): DataSettingsPort {
  return {
    read: (key, schema, fallback) => readSetting(db, key, schema, fallback),
    write: (key, schema, value) => writeSetting(db, key, schema.parse(value)),
  };
}
