import type { HandlersFor } from '../handler-kit';
import type { createRdpService } from '../../features/rdp/service';

/** The contract's RDP calls, answered by the RDP feature. */
export function rdpHandlers(rdp: ReturnType<typeof createRdpService>): HandlersFor<'rdp'> {
  return {
    'rdp.assetMethods': ({ assetId }) => rdp.assetMethods(assetId),
    'rdp.setAssetMethods': (input) => rdp.setAssetMethods(input),
    'rdp.ticketTargets': ({ ticketId }) => rdp.ticketTargets(ticketId),
    'rdp.clients': () => rdp.clients(),
    'rdp.shadowSessions': ({ assetId }) => rdp.shadowSessions(assetId),
    'rdp.launch': (input) => rdp.launch(input),
    'rdp.session': ({ sessionId }) => rdp.session(sessionId),
    'rdp.sessions': (input) => rdp.sessions(input),
    'rdp.assets': ({ query, limit }) => rdp.assets(query, limit),
  };
}
