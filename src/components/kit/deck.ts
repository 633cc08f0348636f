// What the projector view and the presenter window share: the keys that move through the slides
// (presentation clickers send PageUp and PageDown, some arrow keys) and the BroadcastChannel that
// keeps the two windows on the same slide, both ways.

/** A move asked for by a key, or null for a key that is not ours. */
export type Move = 'next' | 'previous' | 'first' | 'last' | 'fullscreen' | null;

/** The move a keydown asks for; keys typed into a field or with Ctrl, Alt or Meta are not ours. */
export function moveOf(event: KeyboardEvent): Move {
  if (event.ctrlKey || event.altKey || event.metaKey) return null;
  const target = event.target as HTMLElement | null;
  if (target?.closest('input, textarea, select, [contenteditable]')) return null;
  // Space and Enter on a focused button or link press it; they are not a slide change.
  if ((event.key === ' ' || event.key === 'Enter') && target?.closest('button, a')) return null;
  switch (event.key) {
    case 'ArrowRight':
    case 'ArrowDown':
    case 'PageDown':
    case 'Enter':
    case 'n':
      return 'next';
    case ' ':
      return event.shiftKey ? 'previous' : 'next';
    case 'ArrowLeft':
    case 'ArrowUp':
    case 'PageUp':
    case 'Backspace':
    case 'p':
      return 'previous';
    case 'Home':
      return 'first';
    case 'End':
      return 'last';
    case 'f':
    case 'F':
      return 'fullscreen';
    default:
      return null;
  }
}

/** The slide index a move leads to, within 0..total-1. */
export function indexAfter(move: Move, index: number, total: number): number {
  switch (move) {
    case 'next':
      return Math.min(total - 1, index + 1);
    case 'previous':
      return Math.max(0, index - 1);
    case 'first':
      return 0;
    case 'last':
      return total - 1;
    default:
      return index;
  }
}

/** A message between the two windows of one kit: show slide `index`, or say where you are. */
export type DeckMessage = { type: 'show'; index: number } | { type: 'where' };

/** The channel of one kit's windows (same origin, same browser), or null without support. */
export function deckChannel(name: string): BroadcastChannel | null {
  return typeof BroadcastChannel === 'undefined' ? null : new BroadcastChannel(name);
}

/** A received message, if it is one of ours. */
export function readMessage(data: unknown): DeckMessage | null {
  const message = data as { type?: unknown; index?: unknown } | null;
  if (message?.type === 'where') return { type: 'where' };
  if (
    message?.type === 'show' &&
    typeof message.index === 'number' &&
    Number.isInteger(message.index)
  ) {
    return { type: 'show', index: message.index };
  }
  return null;
}

/**
 * Shows the slide (or presenter step) at `index`, kept within the list, hides the others and
 * writes "n / total" into `status` from its label; answers the index shown.
 */
export function showOnly(
  items: readonly HTMLElement[],
  index: number,
  status: HTMLElement | null,
  label: string,
): number {
  const shown = Math.min(Math.max(0, index), items.length - 1);
  items.forEach((item, i) => {
    item.hidden = i !== shown;
  });
  if (status !== null) {
    status.textContent = label
      .replace('{n}', String(shown + 1))
      .replace('{total}', String(items.length));
  }
  return shown;
}
