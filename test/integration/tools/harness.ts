/**
 * A core with the tickets, security, SSH and tools features, built as `src/api/service.ts`
 * builds them, with every call validated by the contract schema first (as the hosts do).
 * An administrator tools folder (policy `toolsDir`) holds test tools.
 */
import { poll } from '../../support/poll';
import fs from 'node:fs';
import path from 'node:path';
import { calls, type CallInput, type CallOutput } from '../../../src/api/contract';
import { createCore, type Core } from '../../../src/api/core';
import { createTicketFeature } from '../../../src/api/handlers/tickets';
import { createSecurityFeature } from '../../../src/api/handlers/security';
import { createSshFeature } from '../../../src/api/handlers/ssh';
import { createToolFeature, type ToolFeatureDeps } from '../../../src/api/handlers/tools';

const label = (fr: string, en = fr) => ({ fr, en });

/** Test tools an administrator could drop into the policy folder. */
export const ADMIN_TOOLS = {
  'site-echo': {
    id: 'site-echo',
    label: label('Écho de test', 'Test echo'),
    help: label('Affiche le texte reçu.', 'Prints the text received.'),
    category: 'diagnostic',
    os: 'linux',
    expectedSeconds: 1,
    params: [{ name: 'Text', type: 'string', label: label('Texte', 'Text'), maxLength: 1000 }],
    script: 'printf %s "$Text"',
  },
  'site-sleep': {
    id: 'site-sleep',
    label: label('Attente de test', 'Test wait'),
    help: label('Démarre deux processus longs marqués.', 'Starts two long marked processes.'),
    category: 'diagnostic',
    os: 'linux',
    expectedSeconds: 1,
    params: [{ name: 'Marker', type: 'integer', label: label('Marqueur', 'Marker'), min: 1, max: 999999999 }],
    script: 'echo "started $Marker"\nsh -c \'sleep "$1"\' "relais-sub-$Marker" "700.$Marker" &\nsleep "600.$Marker"',
  },
  'site-whoami': {
    id: 'site-whoami',
    label: label('Identité élevée', 'Elevated identity'),
    help: label('Affiche l’uid effectif.', 'Prints the effective uid.'),
    category: 'system',
    os: 'linux',
    elevation: true,
    expectedSeconds: 1,
    script: 'echo "uid=$(id -u)"',
  },
  'site-stream': {
    id: 'site-stream',
    label: label('Sortie progressive', 'Progressive output'),
    help: label('Écrit une ligne toutes les 200 ms.', 'Writes a line every 200 ms.'),
    category: 'diagnostic',
    os: 'linux',
    expectedSeconds: 2,
    script: 'for i in 1 2 3 4 5; do echo "ligne $i"; sleep 0.2; done; echo "fin" >&2; exit 3',
  },
};

export const ADMIN_CHECKLIST = {
  id: 'site-checklist',
  label: label('Liste de test'),
  help: label('Étapes de test.'),
  os: 'linux',
  steps: [
    { kind: 'manual', label: label('Étiquette posée', 'Label affixed') },
    { kind: 'tool', toolId: 'linux-system-info', params: {} },
    { kind: 'tool', toolId: 'site-sleep', params: { Marker: 1 } },
    { kind: 'manual', label: label('Remis à l’agent', 'Handed back') },
  ],
};

export function writeAdminFolder(dir: string): string {
  const tools = path.join(dir, 'admin-tools');
  fs.mkdirSync(path.join(tools, 'checklists'), { recursive: true });
  for (const [id, t] of Object.entries(ADMIN_TOOLS)) fs.writeFileSync(path.join(tools, `${id}.json`), JSON.stringify(t));
  fs.writeFileSync(path.join(tools, 'checklists', 'site-checklist.json'), JSON.stringify(ADMIN_CHECKLIST));
  const policy = path.join(dir, 'policy.json');
  fs.writeFileSync(policy, JSON.stringify({ toolsDir: tools }));
  return policy;
}

export interface Harness {
  core: Core;
  events: { name: string; payload: any }[];
  call<N extends keyof typeof calls>(name: N, input?: CallInput<N>): Promise<CallOutput<N>>;
  ssh: ReturnType<typeof createSshFeature>;
  tools: ReturnType<typeof createToolFeature>;
  close(): Promise<void>;
}

export function startHarness(dataDir: string, policyFile: string | null, extra: Partial<ToolFeatureDeps> = {}): Harness {
  const core = createCore({ dataDir, host: 'web', policyFile, demo: false });
  const tickets = createTicketFeature(core);
  const security = createSecurityFeature(core);
  const ssh = createSshFeature(core, { tickets: tickets.port, security });
  const tools = createToolFeature(core, { tickets: tickets.port, audit: security.audit, ssh: ssh.port, ...extra });
  const handlers: Record<string, (input: unknown, caller: { clientId: string }) => unknown> = { ...tickets.handlers, ...security.handlers, ...ssh.handlers, ...tools.handlers } as never;
  const events: { name: string; payload: any }[] = [];
  core.events.subscribe((name, payload) => events.push({ name, payload }));
  return {
    core,
    events,
    ssh,
    tools,
    async call(name, input) {
      const parsed = calls[name].input.parse(input);
      return (await handlers[name]!(parsed, { clientId: 'test' })) as never;
    },
    close: () => core.close(),
  };
}

export async function newTicket(h: Harness, subject = 'Imprimante du 2e étage bloquée'): Promise<string> {
  const t = await h.call('tickets.logCall', { subject, requesterName: 'Élodie Martin', description: 'Appel' });
  return t.id;
}

/** Processes whose command line contains `marker` (other than pgrep itself). */
export async function processesWith(marker: string): Promise<string[]> {
  const { spawnSync } = await import('node:child_process');
  const r = spawnSync('pgrep', ['-a', '-f', marker], { encoding: 'utf8' });
  return r.stdout.split('\n').filter((l) => l.trim() && !l.includes('pgrep'));
}

export function until<T>(fn: () => T | Promise<T>, ok: (v: T) => boolean, timeoutMs = 10_000): Promise<T> {
  return poll(fn, ok, { timeoutMs, everyMs: 50 });
}
