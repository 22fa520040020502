/**
 * A core with the tickets, security, SSH, tools and incidents features, built as
 * `src/api/service.ts` builds them; every call is validated by the contract first.
 */
import { calls, type CallInput, type CallOutput } from '../../../src/api/contract';
import { createCore, type Core } from '../../../src/api/core';
import { createTicketFeature } from '../../../src/api/handlers/tickets';
import { createSecurityFeature } from '../../../src/api/handlers/security';
import { createSshFeature } from '../../../src/api/handlers/ssh';
import { createToolFeature } from '../../../src/api/handlers/tools';
import { createIncidentFeature } from '../../../src/api/handlers/incidents';
import { createReferentialsFeature } from '../../../src/api/handlers/referentials';

export interface IncidentHarness {
  core: Core;
  security: ReturnType<typeof createSecurityFeature>;
  ssh: ReturnType<typeof createSshFeature>;
  tools: ReturnType<typeof createToolFeature>;
  incidents: ReturnType<typeof createIncidentFeature>;
  call<N extends keyof typeof calls>(name: N, input?: CallInput<N>): Promise<CallOutput<N>>;
  close(): Promise<void>;
}

export function startIncidentHarness(dataDir: string, opts: { clock?: () => Date } = {}): IncidentHarness {
  const core = createCore({ dataDir, host: 'web', policyFile: null, demo: false, clock: opts.clock });
  const tickets = createTicketFeature(core);
  const security = createSecurityFeature(core);
  const ssh = createSshFeature(core, { tickets: tickets.port, security });
  const tools = createToolFeature(core, { tickets: tickets.port, audit: security.audit, ssh: ssh.port });
  const referentials = createReferentialsFeature(core);
  const incidents = createIncidentFeature(core, { tickets, security, tools, referentials: referentials.port });
  const handlers: Record<string, (input: unknown, caller: { clientId: string }) => unknown> = { ...tickets.handlers, ...security.handlers, ...ssh.handlers, ...tools.handlers, ...incidents.handlers } as never;
  return {
    core,
    security,
    ssh,
    tools,
    incidents,
    async call(name, input) {
      const parsed = calls[name].input.parse(input);
      return (await handlers[name]!(parsed, { clientId: 'test' })) as never;
    },
    close: () => core.close(),
  };
}
