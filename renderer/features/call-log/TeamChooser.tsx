import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Team } from '../../../src/domain/tickets';

/**
 * The routing step of the call form: a small keyboard-first list of teams. Arrows and
 * Enter, or the team's number, choose; Escape goes back to the form untouched.
 */
export function TeamChooser({ teams, initial, onChoose, onCancel }: {
  teams: Team[];
  initial: string | null;
  onChoose(team: Team): void;
  onCancel(): void;
}) {
  const { t } = useTranslation('hotline');
  const listRef = useRef<HTMLUListElement>(null);
  const [active, setActive] = useState(() => Math.max(0, teams.findIndex((x) => x.id === initial)));
  useEffect(() => listRef.current?.focus(), []);

  const onKeyDown = (e: KeyboardEvent) => {
    const n = teams.length;
    if (e.key === 'ArrowDown') setActive((a) => (a + 1) % n);
    else if (e.key === 'ArrowUp') setActive((a) => (a - 1 + n) % n);
    else if (e.key === 'Home') setActive(0);
    else if (e.key === 'End') setActive(n - 1);
    else if (e.key === 'Enter' || e.key === ' ') onChoose(teams[active]!);
    else if (e.key === 'Escape') onCancel();
    else if (/^[1-9]$/.test(e.key) && teams[Number(e.key) - 1]) onChoose(teams[Number(e.key) - 1]!);
    else return;
    e.preventDefault();
    e.stopPropagation();
  };

  return (
    <div className="team-chooser card" role="dialog" aria-modal="true" aria-labelledby="team-chooser-title" data-testid="team-chooser">
      <h2 id="team-chooser-title">{t('call.routeTitle')}</h2>
      <p className="muted">{t('call.routeHint')}</p>
      <ul
        ref={listRef}
        role="listbox"
        tabIndex={0}
        aria-labelledby="team-chooser-title"
        aria-activedescendant={`team-option-${active}`}
        onKeyDown={onKeyDown}
        className="team-list"
      >
        {teams.map((team, i) => (
          <li
            key={team.id}
            id={`team-option-${i}`}
            role="option"
            aria-selected={i === active}
            onMouseDown={(e) => {
              e.preventDefault();
              onChoose(team);
            }}
          >
            <kbd aria-hidden="true">{i + 1}</kbd> {team.name}
          </li>
        ))}
      </ul>
    </div>
  );
}
