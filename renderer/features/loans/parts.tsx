import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { LOAN_ITEM_TYPES, TYPE_LABELS, type LoanItemType } from '../../../src/domain/loans';
import { downloadBase64 } from '../tools/download';
import type { Lang } from '../seats/SeatsPage';

export { errorText, useLang, type Lang } from '../seats/SeatsPage';

/**
 * A tag field a barcode or QR scanner can fill: scanners type the code then Enter, so Enter
 * hands the tag over and empties the field for the next scan.
 */
export function TagField({ label, onTag, testId, autoFocus }: { label: string; onTag(tag: string): void; testId: string; autoFocus?: boolean }) {
  const [value, setValue] = useState('');
  return (
    <label className="field">
      <span>{label}</span>
      <input
        value={value}
        onChange={(e) => setValue(e.target.value)}
        onKeyDown={(e) => {
          if (e.key !== 'Enter') return;
          e.preventDefault();
          const tag = value.trim();
          if (!tag) return;
          setValue('');
          onTag(tag);
        }}
        autoComplete="off"
        spellCheck={false}
        autoFocus={autoFocus}
        data-testid={testId}
        aria-describedby="scan-hint"
      />
    </label>
  );
}

export type Line = { type: LoanItemType; quantity: number };

/** Types × quantities of a request. */
export function LinesEditor({ lines, onChange, lang }: { lines: Line[]; onChange(l: Line[]): void; lang: Lang }) {
  const { t } = useTranslation('loans');
  return (
    <fieldset className="loan-lines">
      <legend>{t('lines')}</legend>
      {lines.map((l, i) => (
        <div className="row" key={i}>
          <select aria-label={t('type')} value={l.type} onChange={(e) => onChange(lines.map((x, j) => (j === i ? { ...x, type: e.target.value as LoanItemType } : x)))} data-testid={`line-type-${i}`}>
            {LOAN_ITEM_TYPES.map((ty) => (
              <option key={ty} value={ty}>
                {TYPE_LABELS[lang][ty]}
              </option>
            ))}
          </select>
          <input aria-label={t('quantity')} type="number" min={1} max={50} value={l.quantity} onChange={(e) => onChange(lines.map((x, j) => (j === i ? { ...x, quantity: Number(e.target.value) } : x)))} data-testid={`line-qty-${i}`} />
          {lines.length > 1 && (
            <button type="button" onClick={() => onChange(lines.filter((_, j) => j !== i))} aria-label={t('removeLine')}>
              ×
            </button>
          )}
        </div>
      ))}
      <button type="button" onClick={() => onChange([...lines, { type: 'casque', quantity: 1 }])} data-testid="line-add">
        {t('addLine')}
      </button>
    </fieldset>
  );
}

/** Print: the PDF opens in a new tab with the browser's print button; download: saved as a file. */
export function ReceiptActions({ receipt }: { receipt: { fileName: string; base64: string } }) {
  const { t } = useTranslation('loans');
  const open = () => {
    const bin = atob(receipt.base64);
    const bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    const url = URL.createObjectURL(new Blob([bytes], { type: 'application/pdf' }));
    // The PDF viewer's own print button prints it; a blocked pop-up falls back to a download.
    const w = window.open(url, '_blank');
    if (w) w.opener = null;
    else downloadBase64(receipt.fileName, 'application/pdf', receipt.base64);
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  };
  return (
    <span className="toolbar">
      <button type="button" onClick={open} data-testid="receipt-print">
        {t('printReceipt')}
      </button>
      <button type="button" onClick={() => downloadBase64(receipt.fileName, 'application/pdf', receipt.base64)} data-testid="receipt-download">
        {t('downloadReceipt')}
      </button>
    </span>
  );
}

export const fmt = (iso: string, lang: Lang, withTime = true) =>
  new Date(iso).toLocaleString(lang === 'fr' ? 'fr-FR' : 'en-GB', { dateStyle: 'short', ...(withTime ? { timeStyle: 'short' } : {}), timeZone: 'Europe/Paris' });
