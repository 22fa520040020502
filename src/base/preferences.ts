import fs from 'node:fs';
import path from 'node:path';
import { commonErrors } from './errors';
import { preferencesPatchSchema, preferencesSchema, type Preferences, type PreferencesPatch } from './preferences-schema';
import { writeFileAtomic } from './atomic-file';
import type { LoadedPolicy } from './policy';

/** Where preferences are persisted: electron-store in Electron, a JSON file otherwise. */
export interface PreferencesBackend {
  read(): unknown;
  write(values: Preferences): void;
}

export function jsonFileBackend(dataDir: string): PreferencesBackend {
  const file = path.join(dataDir, 'preferences.json');
  return {
    read() {
      try {
        return JSON.parse(fs.readFileSync(file, 'utf8'));
      } catch {
        return {};
      }
    },
    write(values) {
      writeFileAtomic(file, JSON.stringify(values, null, 2));
    },
  };
}

/** User preferences with the administrator's policy applied on top. */
export class PreferencesService {
  private values: Preferences;

  constructor(
    private readonly backend: PreferencesBackend,
    private readonly policy: LoadedPolicy,
  ) {
    // A damaged or outdated file must not stop the app: keep what is valid, default the rest.
    const stored = backend.read();
    const parsed = preferencesSchema.safeParse(stored);
    this.values = parsed.success ? parsed.data : salvage(stored);
  }

  get locked(): string[] {
    return [...this.policy.policy.locked];
  }

  get(): Preferences {
    return { ...this.values, ...(this.policy.policy.preferences ?? {}) } as Preferences;
  }

  set(patch: PreferencesPatch): Preferences {
    const clean = preferencesPatchSchema.parse(patch);
    for (const key of Object.keys(clean)) if (this.locked.includes(key)) throw commonErrors.locked(key);
    const next = preferencesSchema.parse({ ...this.values, ...clean });
    this.backend.write(next);
    this.values = next;
    return this.get();
  }
}

function salvage(stored: unknown): Preferences {
  const base = preferencesSchema.parse({});
  if (!stored || typeof stored !== 'object') return base;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(stored)) {
    const one = preferencesPatchSchema.safeParse({ [k]: v });
    if (one.success) Object.assign(out, one.data);
  }
  return out as Preferences;
}
