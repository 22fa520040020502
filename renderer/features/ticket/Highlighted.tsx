import { splitHighlights } from '../../../src/domain/queue';

/** Search matches come from the core between marker characters; rendered as <mark>, never as HTML. */
export function Highlighted({ text }: { text: string }) {
  return (
    <>
      {splitHighlights(text).map((part, i) => (part.match ? <mark key={i}>{part.text}</mark> : <span key={i}>{part.text}</span>))}
    </>
  );
}
