import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';

export interface ScreenShortcut {
  keys: string;
  label: string;
}

/** The current screen's shortcuts, registered by the screen while it is shown. */
let current: ScreenShortcut[] = [];
export function useScreenShortcuts(list: ScreenShortcut[]): void {
  const key = JSON.stringify(list);
  useEffect(() => {
    current = JSON.parse(key) as ScreenShortcut[];
    return () => {
      current = [];
    };
  }, [key]);
}

/** True when a key press is meant for a text field, not for a one-letter shortcut. */
export function typingInField(e: KeyboardEvent): boolean {
  const el = e.target as HTMLElement | null;
  return !!el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable);
}

/** `?` anywhere (outside a text field): every shortcut of the current screen, Escape closes. */
export function ShortcutHelp() {
  const { t } = useTranslation('common');
  const [open, setOpen] = useState(false);
  const back = useRef<HTMLElement | null>(null);
  const dialog = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const on = (e: KeyboardEvent) => {
      if (e.key === '?' && !typingInField(e)) {
        e.preventDefault();
        back.current = document.activeElement as HTMLElement | null;
        setOpen(true);
      } else if (e.key === 'Escape' && open) {
        e.preventDefault();
        e.stopImmediatePropagation();
        setOpen(false);
        back.current?.focus();
      }
    };
    window.addEventListener('keydown', on, true);
    return () => window.removeEventListener('keydown', on, true);
  }, [open]);
  useEffect(() => {
    if (open) dialog.current?.focus();
  }, [open]);
  if (!open) return null;
  const global: ScreenShortcut[] = [
    { keys: 'F2', label: t('keys.newCall') },
    { keys: 'F3', label: t('keys.queue') },
    { keys: 'Ctrl+K', label: t('keys.search') },
    { keys: '?', label: t('keys.help') },
  ];
  return (
    <div className="card shortcut-help" role="dialog" aria-modal="true" aria-labelledby="shortcut-help-title" tabIndex={-1} ref={dialog} data-testid="shortcut-help">
      <h2 id="shortcut-help-title">{t('keys.title')}</h2>
      <dl>
        {[...current, ...global].map((s) => (
          <div key={s.keys} style={{ display: 'contents' }}>
            <dt><kbd>{s.keys}</kbd></dt>
            <dd>{s.label}</dd>
          </div>
        ))}
      </dl>
      <p className="muted">{t('keys.close')}</p>
    </div>
  );
}
