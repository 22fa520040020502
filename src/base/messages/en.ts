import type { fr } from './fr';

/** English texts of the core's errors and notices: the same keys and parameters as `fr.ts`. */
export const en: { readonly [K in keyof typeof fr]: string } = {
  NOUN_RUN: 'Run',
  NOUN_TOOL: 'Tool',
  NOUN_CHECKLIST: 'Checklist',
  NOUN_EVIDENCE: 'Evidence',
  NOUN_SAVED_VIEW: 'Saved view',
  NOUN_SAVED_DASHBOARD: 'Saved dashboard',
  NOUN_REMOTE_SESSION: 'Remote session',
  NOUN_PC: 'PC',
  NOUN_CAMPAIGN: 'Campaign',
  NOUN_TICKET: 'Ticket',
  NOUN_INCIDENT: 'Security incident',

  UNKNOWN_CALL: 'Unknown operation: "{{name}}".',
  INVALID_INPUT: 'Invalid data: {{issues}}. Fix the field shown and try again.',
  NOT_FOUND: '{{what}} not found ({{id}}).',
  STORAGE_FULL: 'The disk is full: nothing was saved. Free some space and try again; your input is kept.',
  STORAGE_READONLY: 'The data folder is read-only: nothing was saved. Check the folder permissions and try again; your input is kept.',
  INTERNAL: 'Unexpected internal error: the operation was not carried out. Try again; if it persists, report it.',
  LOCKED_BY_POLICY: "This setting is enforced by the organisation's policy ({{key}}) and cannot be changed here.",
};
