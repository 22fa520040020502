/** The sentence after a change: a polite status when it worked, an alert naming what to fix when not. */
export function ChangeNotice({ state, testId }: { state: { kind: 'ok' | 'error' | 'busy'; text: string } | null; testId: string }) {
  if (!state || state.kind === 'busy') return null;
  return state.kind === 'ok' ? (
    <p role="status" className="ok" data-testid={testId}>
      {state.text}
    </p>
  ) : (
    <p role="alert" className="error" data-testid={testId}>
      {state.text}
    </p>
  );
}
