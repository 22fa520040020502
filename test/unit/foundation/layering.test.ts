import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { ESLint } from 'eslint';
import { repoRoot } from '../../support/paths';

/** The lint rule that keeps the layers apart must actually fire on a violation. */
const eslint = new ESLint({ cwd: repoRoot });

async function violations(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(repoRoot, file) });
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-restricted-globals' || m.ruleId === 'boundaries/dependencies').map((m) => m.message);
}

describe('layering rule', () => {
  it('forbids electron and react in the core', async () => {
    expect(await violations('src/features/tickets/x.ts', "import { app } from 'electron'; export const a = app;")).toHaveLength(1);
    expect(await violations('src/features/sync/x.ts', "import React from 'react'; export const r = React;")).toHaveLength(1);
    expect(await violations('src/features/sync/x.ts', 'export const w = window.location;')).toHaveLength(1);
  });

  it('forbids Node modules and core internals in the renderer', async () => {
    expect(await violations('renderer/features/x.tsx', "import fs from 'node:fs'; export const f = fs;")).toHaveLength(1);
    expect(await violations('renderer/features/x.tsx', "import { spawn } from 'child_process'; export const s = spawn;")).toHaveLength(1);
    expect(await violations('renderer/features/q/x.tsx', "import { openDatabase } from '../../../src/features/schema/database'; export const o = openDatabase;")).not.toEqual([]);
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
    expect(await violations('src/domain/x.ts', "import { openDb } from '../platform/db'; export const o = openDb;")).not.toEqual([]);
  });

  it('lets only main/ import electron, and keeps main/ from reaching past the service', async () => {
    expect(await violations('main/x.ts', "import { app } from 'electron'; export const a = app;")).toEqual([]);
    expect(await violations('main/x.ts', "import { openDatabase } from '../src/features/schema/database'; export const o = openDatabase;")).not.toEqual([]);
    expect(await violations('main/x.ts', "import { createService } from '../src/api/service'; export const c = createService;")).toEqual([]);
  });

  // Each import that would run against the layers (base <- domain <- platform <- features <- api).
  const upward: [string, string, string][] = [
    ['base → domain', 'src/base/x.ts', "import { ticketSchema } from '../domain/tickets'; export const t = ticketSchema;"],
    ['base → api', 'src/base/x.ts', "import { calls } from '../api/contract'; export const c = calls;"],
    ['domain → platform', 'src/domain/x.ts', "import type { Db } from '../platform/db'; export type D = Db;"],
    ['domain → feature', 'src/domain/x.ts', "import { createTicketWorkflow } from '../features/tickets/ticket-workflow'; export const w = createTicketWorkflow;"],
    ['platform → feature', 'src/platform/x.ts', "import { createTicketWorkflow } from '../features/tickets/ticket-workflow'; export const w = createTicketWorkflow;"],
    ['feature → api contract', 'src/features/rdp/x.ts', "import { calls } from '../../api/contract'; export const c = calls;"],
    ['feature → api handlers', 'src/features/tools/x.ts', "import { createTicketFeature } from '../../api/handlers/tickets'; export const c = createTicketFeature;"],
    ['feature → renderer', 'src/features/tools/x.ts', "import { App } from '../../../renderer/App'; export const a = App;"],
    ['renderer → feature', 'renderer/features/q/x.tsx', "import { createTicketWorkflow } from '../../../src/features/tickets/ticket-workflow'; export const w = createTicketWorkflow;"],
    ['renderer → platform', 'renderer/features/q/x.tsx', "import { openDb } from '../../../src/platform/db'; export const o = openDb;"],
    ['main → feature', 'main/x.ts', "import { createTicketWorkflow } from '../src/features/tickets/ticket-workflow'; export const w = createTicketWorkflow;"],
  ];
  it.each(upward)('refuses %s', async (_name, file, code) => {
    expect(await violations(file, code)).not.toEqual([]);
  });

  const downward: [string, string, string][] = [
    ['domain → base', 'src/domain/x.ts', "import { RelaisError } from '../base/errors'; export const e = RelaisError;"],
    ['platform → domain', 'src/platform/x.ts', "import { ticketSchema } from '../domain/tickets'; export const t = ticketSchema;"],
    ['feature → platform', 'src/features/rdp/x.ts', "import { openDb } from '../../platform/db'; export const o = openDb;"],
    ['feature → another feature', 'src/features/tools/x.ts', "import type { TicketPort } from '../tickets/port'; export type T = TicketPort;"],
    ['api → feature', 'src/api/x.ts', "import { createTicketWorkflow } from '../features/tickets/ticket-workflow'; export const w = createTicketWorkflow;"],
  ];
  it.each(downward)('allows %s', async (_name, file, code) => {
    expect(await violations(file, code)).toEqual([]);
  });
});
