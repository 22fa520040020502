import type { z } from 'zod';
import type { Db } from '../../../platform/db';
import { stmt } from '../../../platform/statements';

/** Data settings (not user preferences): priority matrix, SLA targets, saved views. */
export function readSetting<S extends z.ZodType>(db: Db, key: string, schema: S, fallback: z.output<S>): z.output<S> {
  const row = stmt(db, 'SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined;
  if (!row) return fallback;
  try {
    const parsed = schema.safeParse(JSON.parse(row.value));
    // A hand-edited, broken value must not stop the console: fall back to the default.
    return parsed.success ? parsed.data : fallback;
  } catch {
    return fallback;
  }
}

export function writeSetting(db: Db, key: string, value: unknown): void {
  stmt(db, 'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, JSON.stringify(value));
}
