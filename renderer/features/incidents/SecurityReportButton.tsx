import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Channel } from '../../../src/domain/tickets';
import { useShortcut } from '../../app/shortcuts';
import type { Requester } from '../call-log/RequesterPicker';
import { SECURITY_SHORTCUT, SecurityReportDialog } from './SecurityReportDialog';
import type { CallFields } from './shared';

/** What the call form holds, as the security report sends it (the report sets priority, team and category itself). */
export function securityCall(form: { subject: string; description: string; channel: Channel }, requester: Requester, durationSec: number): CallFields {
  const free = requester?.kind === 'free' ? requester : null;
  const hit = requester?.kind === 'directory' ? requester.hit : null;
  return {
    channel: form.channel,
    subject: form.subject,
    description: form.description,
    requesterId: hit?.person?.id ?? null,
    requesterName: free ? free.name.trim() || free.phone.trim() : hit && !hit.person ? (hit.asset?.name ?? '') : '',
    requesterPhone: free?.phone.trim() ?? '',
    assetIds: hit?.asset ? [hit.asset.id] : [],
    durationSec,
  };
}

/** The call form's "Signalement sécurité" button and its shortcut (Ctrl+Maj+S). */
export function SecurityReportButton({ call, onDone, onCancel, disabled }: { call(): CallFields; onDone(d: { ticketId: string; number: number }): void; onCancel(): void; disabled: boolean }) {
  const { t } = useTranslation('incidents');
  const [fields, setFields] = useState<CallFields | null>(null);
  useShortcut(SECURITY_SHORTCUT, () => setFields(call()), !disabled && fields === null);
  return (
    <>
      <div className="call-actions">
        <button type="button" className="danger" disabled={disabled} onClick={() => setFields(call())} data-testid="call-security">
          {t('button')} <kbd aria-hidden="true">{t('shortcut')}</kbd>
        </button>
      </div>
      {fields && (
        <SecurityReportDialog
          call={fields}
          onCancel={() => {
            setFields(null);
            onCancel();
          }}
          onDone={(d) => {
            setFields(null);
            onDone(d);
          }}
        />
      )}
    </>
  );
}
