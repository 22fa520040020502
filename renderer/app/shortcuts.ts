import { useEffect } from 'react';

/**
 * Application-wide keyboard shortcuts. Kept in one table so they never collide and the
 * help overlay can list them.
 */
export const shortcuts = {
  newCall: { key: 'F2', label: 'F2' },
  queue: { key: 'F3', label: 'F3' },
  search: { key: 'k', ctrl: true, label: 'Ctrl+K' },
} as const;

type Shortcut = { key: string; ctrl?: boolean; alt?: boolean; shift?: boolean };

export function matches(e: KeyboardEvent, s: Shortcut): boolean {
  return e.key.toLowerCase() === s.key.toLowerCase() && !!s.ctrl === (e.ctrlKey || e.metaKey) && !!s.alt === e.altKey && !!s.shift === e.shiftKey;
}

export function useShortcut(s: Shortcut, handler: (e: KeyboardEvent) => void, enabled = true): void {
  useEffect(() => {
    if (!enabled) return;
    const on = (e: KeyboardEvent) => {
      if (matches(e, s)) {
        e.preventDefault();
        handler(e);
      }
    };
    window.addEventListener('keydown', on);
    return () => window.removeEventListener('keydown', on);
  });
}
