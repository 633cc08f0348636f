import type { LiveRoomState } from '../../api/live.ts';
import { format } from '../../i18n/format.ts';

/** Props of the room's answer chart. */
export interface RoomChartProps {
  state: LiveRoomState;
  title: string;
  /** The chart's count, singular ("{n} answer") and plural ("{n} answers"). */
  counts: AnswerCounts;
  /** The page's language, for its plural rule. */
  lang: string;
  /** Larger type for the projector. */
  big?: boolean;
}

/** The two forms of the count of answers. */
export interface AnswerCounts {
  answer: string;
  answers: string;
}

/** "1 answer", "3 answers": the count in its language's singular or plural (French: 0 and 1). */
export function answersCount(n: number, lang: string, counts: AnswerCounts): string {
  const one = new Intl.PluralRules(lang).select(n) === 'one';
  return format(one ? counts.answer : counts.answers, { n });
}

/**
 * The room's answers per option as horizontal bars: each bar carries its count as text, the right
 * options are marked in words once revealed (nothing rests on colour), and the figures are a list
 * a screen reader reads in order.
 */
export function RoomChart({ state, title, counts, lang, big = false }: RoomChartProps) {
  const options = state.question?.options ?? [];
  const max = Math.max(1, ...options.map((o) => state.counts[o.letter] ?? 0));
  const right = new Set(state.revealed?.correct ?? []);
  return (
    <figure class={`live-chart${big ? ' live-chart--big' : ''}`} data-testid="live-chart">
      <figcaption>
        {/* On the projector the question stands beside the chart: the caption is the count. */}
        <span class={big ? 'visually-hidden' : undefined}>{title} · </span>
        <span data-testid="live-answers">{answersCount(state.answers, lang, counts)}</span>
      </figcaption>
      <ul>
        {options.map((o) => {
          const n = state.counts[o.letter] ?? 0;
          return (
            <li key={o.letter} class={right.has(o.letter) ? 'live-chart__right' : undefined}>
              <span class="live-chart__label">
                {o.letter}
                {right.has(o.letter) ? ' ✓' : ''}
              </span>
              <span class="live-chart__track">
                <span class="live-chart__bar" style={{ width: `${String((n / max) * 100)}%` }} />
              </span>
              <span class="live-chart__n">{n}</span>
            </li>
          );
        })}
      </ul>
    </figure>
  );
}
