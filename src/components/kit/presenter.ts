// The presenter window: the current slide's notes, the next slide and a clock, following the
// projector view through a BroadcastChannel; its own keys and buttons move both windows.
import { deckChannel, indexAfter, moveOf, readMessage, showOnly } from './deck.ts';

const view = document.querySelector<HTMLElement>('[data-view="presenter"]');
if (view !== null) {
  const steps = [...view.querySelectorAll<HTMLElement>('[data-step]')];
  const status = view.querySelector<HTMLElement>('[data-status]');
  const clock = view.querySelector<HTMLElement>('[data-clock]');
  const elapsed = view.querySelector<HTMLElement>('[data-elapsed]');
  const label = view.dataset.label ?? '{n} / {total}';
  const channel = deckChannel(view.dataset.channel ?? 'cp-kit');
  const started = Date.now();
  let index = 0;

  document.documentElement.classList.add('deck-js');
  view.querySelector<HTMLElement>('[data-controls]')?.removeAttribute('hidden');
  view.querySelector<HTMLElement>('[data-nojs]')?.setAttribute('hidden', '');

  const show = (next: number, tell: boolean) => {
    index = showOnly(steps, next, status, label);
    if (tell) channel?.postMessage({ type: 'show', index });
  };

  const two = (n: number) => String(n).padStart(2, '0');
  const tick = () => {
    const now = new Date();
    if (clock !== null) clock.textContent = `${two(now.getHours())}:${two(now.getMinutes())}`;
    const seconds = Math.floor((Date.now() - started) / 1000);
    if (elapsed !== null) {
      elapsed.textContent = `${Math.floor(seconds / 3600)}:${two(Math.floor(seconds / 60) % 60)}:${two(seconds % 60)}`;
    }
  };
  tick();
  setInterval(tick, 1000);

  document.addEventListener('keydown', (event) => {
    const move = moveOf(event);
    if (move === null || move === 'fullscreen') return;
    event.preventDefault();
    show(indexAfter(move, index, steps.length), true);
  });
  view.querySelector('[data-previous]')?.addEventListener('click', () => {
    show(index - 1, true);
  });
  view.querySelector('[data-next]')?.addEventListener('click', () => {
    show(index + 1, true);
  });
  if (channel !== null) {
    channel.onmessage = (event: MessageEvent) => {
      const message = readMessage(event.data);
      if (message?.type === 'show') show(message.index, false);
    };
    // Ask the projector view where it is; until it answers, the first slide.
    channel.postMessage({ type: 'where' });
  }
  show(0, false);
}
