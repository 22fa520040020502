import { useEffect, useSyncExternalStore } from 'react';
import type { EventPayload } from '../../../src/api/contract';
import { api } from '../../api/client';

type ToolRun = EventPayload<'tools.finished'>['run'];
export interface RunState {
  run: ToolRun | null;
  output: string;
}

const MAX_OUTPUT = 1024 * 1024;
const states = new Map<string, RunState>();
const listeners = new Set<() => void>();
const notify = () => listeners.forEach((l) => l());
const state = (id: string): RunState => {
  let s = states.get(id);
  if (!s) states.set(id, (s = { run: null, output: '' }));
  return s;
};

// Subscribed once, at load: output can arrive before the `tools.run` result does.
api.on('tools.started', ({ run }) => {
  states.set(run.id, { ...state(run.id), run });
  notify();
});
api.on('tools.output', ({ runId, text }) => {
  const s = state(runId);
  const output = s.output.length + text.length > MAX_OUTPUT ? (s.output + text).slice(-MAX_OUTPUT) : s.output + text;
  states.set(runId, { ...s, output });
  notify();
});
api.on('tools.finished', ({ run }) => {
  states.set(run.id, { ...state(run.id), run });
  notify();
});

const subscribe = (l: () => void) => {
  listeners.add(l);
  return () => {
    listeners.delete(l);
  };
};

/** The live state of one run: streamed output, then its record once finished. */
export function useRunState(runId: string): RunState {
  const s = useSyncExternalStore(subscribe, () => states.get(runId) ?? EMPTY);
  useEffect(() => {
    const known = states.get(runId);
    if (known?.run && known.run.status !== 'running') return;
    // Opened after the fact (reload, another window): fetch the stored record.
    let alive = true;
    api.call('tools.get', { runId }).then(
      ({ run, output }) => {
        if (!alive) return;
        const cur = state(runId);
        if (run.status !== 'running') states.set(runId, { run, output: output || cur.output });
        else states.set(runId, { run: cur.run ?? run, output: cur.output });
        notify();
      },
      () => {},
    );
    return () => {
      alive = false;
    };
  }, [runId]);
  return s;
}
const EMPTY: RunState = { run: null, output: '' };
