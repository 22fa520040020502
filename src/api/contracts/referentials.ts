import { z } from 'zod';
import { call, event } from '../contract-kit';
import { categorySchema, teamSchema } from '../../domain/tickets';
import {
  archiveInput,
  calendarInput,
  categoryCreateInput,
  categoryRenameInput,
  deskSettingsSchema,
  matrixInput,
  referentialsEventPayloads,
  slaInput,
  teamCreateInput,
  teamRenameInput,
} from '../../domain/referentials';

const empty = z.strictObject({}).optional();
const counts = z.record(z.string(), z.number().int());

/** Settings › Équipes, Catégories, Priorités, Délais, Heures ouvrées: the desk's referentials. */
export const referentialCalls = {
  'referentials.list': call(empty, z.object({ teams: z.array(teamSchema), categories: z.array(categorySchema), usage: z.object({ teams: counts, categories: counts }) })),
  'referentials.createTeam': call(teamCreateInput, teamSchema),
  'referentials.renameTeam': call(teamRenameInput, teamSchema),
  'referentials.archiveTeam': call(archiveInput, teamSchema),
  'referentials.createCategory': call(categoryCreateInput, categorySchema),
  'referentials.renameCategory': call(categoryRenameInput, categorySchema),
  /** Archiving a category archives what is below it; restoring one restores its parents. */
  'referentials.archiveCategory': call(archiveInput, categorySchema),
  'referentials.desk': call(empty, deskSettingsSchema),
  'referentials.saveMatrix': call(matrixInput, deskSettingsSchema),
  'referentials.saveSla': call(slaInput, deskSettingsSchema),
  'referentials.saveCalendar': call(calendarInput, deskSettingsSchema),
} as const;

export const referentialEvents = {
  'referentials.changed': event(referentialsEventPayloads['referentials.changed']),
} as const;
