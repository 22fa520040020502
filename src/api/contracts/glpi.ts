import { z } from 'zod';
import { call } from '../contract-kit';
import { glpiMappingsSchema } from '../../domain/glpi';

const mappingsOutput = z.object({ teams: z.record(z.string(), z.string()), technicians: z.record(z.string(), z.string()), entities: z.record(z.string(), z.number()).optional() });

/** GLPI-specific settings: how teams and operators are named in GLPI. */
export const glpiCalls = {
  'glpi.mappings.get': call(z.strictObject({}).optional(), mappingsOutput),
  /** Replaces the mappings; parked changes refused by the server are tried again with them. */
  'glpi.mappings.set': call(glpiMappingsSchema, mappingsOutput),
} as const;
