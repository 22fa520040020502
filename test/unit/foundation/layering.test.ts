import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { ESLint } from 'eslint';
import { repoRoot } from '../../support/paths';

/** The lint rule that keeps the layers apart must actually fire on a violation. */
const eslint = new ESLint({ cwd: repoRoot });

async function violations(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(repoRoot, file) });
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-restricted-globals').map((m) => m.message);
}

describe('layering rule', () => {
  it('forbids electron and react in the core', async () => {
    expect(await violations('src/store/x.ts', "import { app } from 'electron'; export const a = app;")).toHaveLength(1);
    expect(await violations('src/sync/x.ts', "import React from 'react'; export const r = React;")).toHaveLength(1);
    expect(await violations('src/sync/x.ts', 'export const w = window.location;')).toHaveLength(1);
  });

  it('forbids Node modules and core internals in the renderer', async () => {
    expect(await violations('renderer/features/x.tsx', "import fs from 'node:fs'; export const f = fs;")).toHaveLength(1);
    expect(await violations('renderer/features/x.tsx', "import { spawn } from 'child_process'; export const s = spawn;")).toHaveLength(1);
    expect(await violations('renderer/features/q/x.tsx', "import { openDatabase } from '../../../src/features/schema/database'; export const o = openDatabase;")).toHaveLength(1);
    expect(await violations('renderer/features/q/x.tsx', "import { ipcRenderer } from 'electron'; export const i = ipcRenderer;")).toHaveLength(1);
  });

  it('lets the renderer use the contract, its client and pure domain code', async () => {
    const ok = [
      "import { calls } from '../../../src/api/contract';",
      "import { createClient } from '../../../src/api/client';",
      "import { preferencesSchema } from '../../../src/base/preferences-schema';",
      'export const all = [calls, createClient, preferencesSchema];',
    ].join('\n');
    expect(await violations('renderer/features/q/x.tsx', ok)).toEqual([]);
  });

  it('keeps the contract free of Node so the renderer can load it', async () => {
    expect(await violations('src/api/contracts/x.ts', "import fs from 'node:fs'; export const f = fs;")).toHaveLength(1);
    expect(await violations('src/domain/x.ts', "import { openDatabase } from '../store/db'; export const o = openDatabase;")).toHaveLength(1);
  });

  it('lets only main/ import electron, and keeps main/ from reaching past the service', async () => {
    expect(await violations('main/x.ts', "import { app } from 'electron'; export const a = app;")).toEqual([]);
    expect(await violations('main/x.ts', "import { openDatabase } from '../src/store/db'; export const o = openDatabase;")).toHaveLength(1);
  });
});
