/**
 * The contract: every call and event between the UI and the core, each with a zod schema.
 * Both hosts (Electron IPC, local WebSocket) validate every input against it before a
 * handler runs, and the renderer's typed client is derived from it. Features declare their
 * entries in `contracts/<feature>.ts`; this module only assembles them.
 */
import type { z } from 'zod';
import { appCalls, appEvents } from './contracts/app';
import { ticketCalls, ticketEvents } from './contracts/tickets';
import { syncCalls, syncEvents } from './contracts/sync';
import { sshCalls, sshEvents } from './contracts/ssh';
import { rdpCalls, rdpEvents } from './contracts/rdp';
import { toolCalls, toolEvents } from './contracts/tools';
import { securityCalls, securityEvents } from './contracts/security';
import { glpiCalls } from './contracts/glpi';
import { syncMappingCalls } from './contracts/sync-mappings';
import { incidentCalls, incidentEvents } from './contracts/incidents';
import { dashboardCalls, dashboardEvents } from './contracts/dashboard';
import { seatCalls, seatEvents } from './contracts/seats';
import { organisationCalls, organisationEvents } from './contracts/organisation';
import { callerCalls, hotlineCalls, hotlineEvents, templateCalls } from './contracts/hotline';
import { loanCalls, loanEvents } from './contracts/loans';
import { referentialCalls, referentialEvents } from './contracts/referentials';

export const calls = {
  ...appCalls,
  ...ticketCalls,
  ...syncCalls,
  ...sshCalls,
  ...rdpCalls,
  ...toolCalls,
  ...securityCalls,
  ...glpiCalls,
  ...syncMappingCalls,
  ...incidentCalls,
  ...dashboardCalls,
  ...seatCalls,
  ...organisationCalls,
  ...hotlineCalls,
  ...templateCalls,
  ...callerCalls,
  ...loanCalls,
  ...referentialCalls,
} as const;

export const events = {
  ...appEvents,
  ...ticketEvents,
  ...syncEvents,
  ...sshEvents,
  ...rdpEvents,
  ...toolEvents,
  ...securityEvents,
  ...incidentEvents,
  ...dashboardEvents,
  ...seatEvents,
  ...organisationEvents,
  ...hotlineEvents,
  ...loanEvents,
  ...referentialEvents,
} as const;

export type Calls = typeof calls;
export type Events = typeof events;
export type CallName = keyof Calls;
export type EventName = keyof Events;
/** What the caller sends (before defaults are applied). */
export type CallInput<N extends CallName> = z.input<Calls[N]['input']>;
/** What the handler receives (after parsing, defaults applied). */
export type ParsedInput<N extends CallName> = z.output<Calls[N]['input']>;
export type CallOutput<N extends CallName> = z.output<Calls[N]['output']>;
export type EventPayload<E extends EventName> = z.output<Events[E]['payload']>;
/** Every event's payload by name: the type of the core's event bus. */
export type CoreEvents = { [E in EventName]: EventPayload<E> };

export const callNames = Object.keys(calls) as CallName[];
export const eventNames = Object.keys(events) as EventName[];

export function isCallName(name: unknown): name is CallName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(calls, name);
}
export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(events, name);
}

export { errorSchema, RelaisError, type SerializedError, type LocalizedText } from '../base/errors';
