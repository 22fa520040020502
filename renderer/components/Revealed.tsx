import { revealBidi } from '../../src/base/text';

/**
 * Text from the ticket, the server or a file name, with every bidirectional control shown
 * as a visible tag instead of reordering what follows (`abc‮txt.exe` would read "abcexe.txt").
 */
export function Revealed({ text }: { text: string }) {
  const parts = revealBidi(text);
  if (parts.length === 1 && !parts[0]!.control) return <>{text}</>;
  return (
    <>
      {parts.map((p, i) =>
        p.control ? (
          <span key={i} className="bidi-control" title={p.text} data-testid="bidi-control">
            [{p.text}]
          </span>
        ) : (
          <span key={i}>{p.text}</span>
        ),
      )}
    </>
  );
}
