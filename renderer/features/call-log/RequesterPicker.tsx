import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { DirectoryHit } from '../../../src/domain/directory';
import { api } from '../../api/client';
import { CallerSeats } from '../seats/CallerSeats';

export type Requester =
  | { kind: 'directory'; hit: DirectoryHit }
  | { kind: 'free'; name: string; phone: string }
  | null;

/**
 * The free-text name takes the focus when it appears, unless a dialog opened meanwhile (the
 * caller is taken when the search answers, which may come after Ctrl+Maj+S opened one).
 * A stable function, so React calls it on mount only.
 */
function focusUnlessInDialog(el: HTMLInputElement | null): void {
  if (el && !document.activeElement?.closest('[role="dialog"]')) el.focus();
}

/** "Hélène Dupré — Eau · 03 88 …" or "PC-EAU-0042 — Hélène Dupré". */
export function hitLabel(hit: DirectoryHit): string {
  const p = hit.person;
  const who = p ? `${p.firstName} ${p.lastName}`.trim() : '';
  if (hit.asset) return who ? `${hit.asset.name} — ${who}` : hit.asset.name;
  return [who, p?.department, p?.phone].filter(Boolean).join(' · ');
}

const looksLikePhone = (s: string) => /^[\d\s.+()-]+$/.test(s.trim());

/**
 * The requester combobox: a few letters of a name, a phone number or a PC name; arrows move
 * through the directory's suggestions, Enter picks one. The last option keeps what was
 * typed as a requester who is not in the directory.
 */
export function RequesterPicker({ value, onChange, inputRef, invalid }: {
  value: Requester;
  onChange(r: Requester): void;
  inputRef: React.RefObject<HTMLInputElement | null>;
  invalid: boolean;
}) {
  const { t } = useTranslation('hotline');
  const listId = useId();
  const [query, setQuery] = useState('');
  const [hits, setHits] = useState<DirectoryHit[]>([]);
  const [active, setActive] = useState(0);
  const [open, setOpen] = useState(false);
  const seq = useRef(0);
  // The query the suggestions on screen answer; Enter typed before the answer to the
  // latest letters arrives picks from that answer, never from a stale list.
  const [answered, setAnswered] = useState('');
  const pendingEnter = useRef(false);

  useEffect(() => {
    const q = query.trim();
    if (!q) {
      setHits([]);
      return;
    }
    const mine = ++seq.current;
    // Short debounce: one look-up per pause in typing, answers applied in order only.
    const timer = setTimeout(() => {
      api.call('directory.search', { q, limit: 8 }).then(
        (r) => {
          if (mine !== seq.current) return;
          setHits(r.hits);
          setActive(0);
          setOpen(true);
          setAnswered(q);
        },
        () => {},
      );
    }, 80);
    return () => clearTimeout(timer);
  }, [query]);

  const options = query.trim() ? hits.length + 1 : 0;
  useEffect(() => {
    if (pendingEnter.current && answered === query.trim()) {
      pendingEnter.current = false;
      choose(0);
    }
  });
  const choose = (i: number) => {
    const hit = hits[i];
    if (hit) onChange({ kind: 'directory', hit });
    else {
      const q = query.trim();
      onChange(looksLikePhone(q) ? { kind: 'free', name: '', phone: q } : { kind: 'free', name: q, phone: '' });
    }
    setOpen(false);
    setQuery('');
  };

  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (!open || options === 0) return;
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      setActive((a) => (a + 1) % options);
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      setActive((a) => (a - 1 + options) % options);
    } else if (e.key === 'Enter' && !e.ctrlKey) {
      e.preventDefault();
      if (answered !== query.trim()) pendingEnter.current = true;
      else choose(active);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      setOpen(false);
    }
  };

  if (value?.kind === 'directory') {
    const pcs = value.hit.asset ? [value.hit.asset.name] : value.hit.personAssets.map((a) => a.name);
    return (
      <div className="field">
        <span id={`${listId}-label`}>{t('field.requester')}</span>
        <div className="requester-chosen" data-testid="requester-chosen">
          <strong>{hitLabel({ ...value.hit, asset: null }) || value.hit.asset?.name}</strong>
          {value.hit.person?.site && <span className="muted">{value.hit.person.site}</span>}
          {pcs.length > 0 && <span className="muted">{t('call.pcOf', { names: pcs.join(', ') })}</span>}
          {value.hit.person && <CallerSeats personId={value.hit.person.id} />}
          <button type="button" onClick={() => onChange(null)} data-testid="requester-change">
            {t('call.change')}
          </button>
        </div>
      </div>
    );
  }

  if (value?.kind === 'free') {
    return (
      <fieldset className="requester-free">
        <legend>{t('call.freeTextLegend')}</legend>
        <label className="field">
          <span>{t('field.requesterName')}</span>
          <input
            data-testid="requester-name"
            maxLength={200}
            aria-invalid={invalid || undefined}
            value={value.name}
            ref={focusUnlessInDialog}
            onChange={(e) => onChange({ ...value, name: e.target.value })}
          />
        </label>
        <label className="field">
          <span>{t('field.requesterPhone')}</span>
          <input data-testid="requester-phone" type="tel" maxLength={40} value={value.phone} onChange={(e) => onChange({ ...value, phone: e.target.value })} />
        </label>
        <button type="button" onClick={() => onChange(null)}>
          {t('call.change')}
        </button>
      </fieldset>
    );
  }

  return (
    <div className="field requester-picker">
      <label htmlFor={`${listId}-input`}>{t('field.requester')}</label>
      <input
        id={`${listId}-input`}
        ref={inputRef}
        data-testid="requester-input"
        role="combobox"
        aria-autocomplete="list"
        aria-expanded={open && options > 0}
        aria-controls={listId}
        aria-activedescendant={open && options > 0 ? `${listId}-${active}` : undefined}
        aria-invalid={invalid || undefined}
        aria-describedby={`${listId}-hint`}
        autoComplete="off"
        maxLength={100}
        value={query}
        onChange={(e) => {
          setQuery(e.target.value);
          if (!e.target.value.trim()) setOpen(false);
        }}
        onKeyDown={onKeyDown}
        onBlur={() => setTimeout(() => setOpen(false), 150)}
      />
      <small id={`${listId}-hint`} className="muted">{t('field.requesterHint')}</small>
      {open && options > 0 && (
        <ul id={listId} role="listbox" aria-label={t('call.suggestions')} className="suggestions" data-testid="requester-suggestions">
          {hits.map((h, i) => (
            <li
              key={`${h.person?.id ?? ''}-${h.asset?.id ?? ''}`}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === active}
              onMouseDown={(e) => {
                e.preventDefault();
                choose(i);
              }}
            >
              {hitLabel(h)}
            </li>
          ))}
          {hits.length === 0 && <li className="muted" aria-hidden="true">{t('call.directoryNone')}</li>}
          <li
            id={`${listId}-${hits.length}`}
            role="option"
            aria-selected={active === hits.length}
            onMouseDown={(e) => {
              e.preventDefault();
              choose(hits.length);
            }}
          >
            {t('call.freeText', { name: query.trim() })}
          </li>
        </ul>
      )}
    </div>
  );
}
