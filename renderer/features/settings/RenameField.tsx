import { useState } from 'react';

/** A name edited in place: Enter saves (when changed), Escape puts the saved name back. */
export function RenameField({ name, label, disabled, testId, onSave }: { name: string; label: string; disabled?: boolean; testId: string; onSave(next: string): Promise<unknown> }) {
  const [value, setValue] = useState(name);
  const [seen, setSeen] = useState(name);
  if (seen !== name) {
    // Renamed elsewhere (or saved): show the stored name.
    setSeen(name);
    setValue(name);
  }
  const save = () => {
    if (value.trim() && value.trim() !== name) void onSave(value.trim());
  };
  return (
    <input
      aria-label={label}
      data-testid={testId}
      value={value}
      maxLength={80}
      disabled={disabled}
      onChange={(e) => setValue(e.target.value)}
      onBlur={save}
      onKeyDown={(e) => {
        if (e.key === 'Enter') {
          e.preventDefault();
          save();
        } else if (e.key === 'Escape' && value !== name) {
          e.preventDefault();
          e.stopPropagation();
          setValue(name);
        }
      }}
    />
  );
}
