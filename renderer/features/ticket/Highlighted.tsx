import { splitHighlights } from '../../../src/domain/queue';
import { Revealed } from '../../components/Revealed';

/** Search matches come from the core between marker characters; rendered as <mark>, never as HTML. */
export function Highlighted({ text }: { text: string }) {
  return (
    <>
      {splitHighlights(text).map((part, i) => (part.match ? <mark key={i}><Revealed text={part.text} /></mark> : <span key={i}><Revealed text={part.text} /></span>))}
    </>
  );
}
