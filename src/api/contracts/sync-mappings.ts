import { call } from '../contract-kit';
import { empty } from '../../domain/sync';
import { setQueueMapInput, syncMappingChoicesSchema, syncMappingsSchema } from '../../domain/sync-mappings';

/** Settings › Serveur ITSM › Correspondances: teams → RT queues / GLPI groups, organisations → GLPI entities. */
export const syncMappingCalls = {
  'mappings.get': call(empty, syncMappingsSchema),
  /** The configured server's queues (RT) or groups and entities (GLPI), for the pickers. */
  'mappings.choices': call(empty, syncMappingChoicesSchema),
  /** Replaces the RT team → queue map; parked changes refused by the server are tried again. */
  'mappings.setQueues': call(setQueueMapInput, syncMappingsSchema),
} as const;
