// The projector view: one slide at a time, moved by the keyboard or a presentation clicker, in
// step with the presenter window. Without JavaScript the page is a readable list of the slides.
import { deckChannel, indexAfter, moveOf, readMessage, showOnly } from './deck.ts';

const deck = document.querySelector<HTMLElement>('[data-view="deck"]');
if (deck !== null) {
  const slides = [...deck.querySelectorAll<HTMLElement>('[data-slide]')];
  const status = deck.querySelector<HTMLElement>('[data-status]');
  const label = deck.dataset.label ?? '{n} / {total}';
  const channel = deckChannel(deck.dataset.channel ?? 'cp-kit');
  const fromHash = Number(/^#slide-(\d+)$/.exec(location.hash)?.[1] ?? '1') - 1;
  let index = Math.min(Math.max(0, fromHash), slides.length - 1);

  document.documentElement.classList.add('deck-js');
  deck.querySelector<HTMLElement>('[data-controls]')?.removeAttribute('hidden');
  // One slide fills the window; the page's heading and help stay for screen readers only.
  deck.querySelector('.deck__intro')?.classList.add('visually-hidden');

  // A slide that does not fit the window at full size gets smaller type, one step at a time.
  const FIT = ['slide--fit-1', 'slide--fit-2', 'slide--fit-3'];
  const fit = (slide: HTMLElement | undefined) => {
    if (slide === undefined) return;
    slide.classList.remove(...FIT);
    for (const step of FIT) {
      if (slide.scrollHeight <= slide.clientHeight) return;
      slide.classList.add(step);
    }
  };
  window.addEventListener('resize', () => {
    fit(slides[index]);
  });

  const show = (next: number, tell: boolean) => {
    index = showOnly(slides, next, status, label);
    fit(slides[index]);
    history.replaceState(null, '', `#slide-${index + 1}`);
    if (tell) channel?.postMessage({ type: 'show', index });
  };

  const fullscreen = () => {
    if (document.fullscreenElement) void document.exitFullscreen();
    else void document.documentElement.requestFullscreen().catch(() => undefined);
  };

  document.addEventListener('keydown', (event) => {
    const move = moveOf(event);
    if (move === null) return;
    event.preventDefault();
    if (move === 'fullscreen') fullscreen();
    else show(indexAfter(move, index, slides.length), true);
  });
  deck.querySelector('[data-previous]')?.addEventListener('click', () => {
    show(index - 1, true);
  });
  deck.querySelector('[data-next]')?.addEventListener('click', () => {
    show(index + 1, true);
  });
  deck.querySelector('[data-fullscreen]')?.addEventListener('click', fullscreen);
  deck.querySelector<HTMLAnchorElement>('[data-presenter]')?.addEventListener('click', (event) => {
    event.preventDefault();
    const link = event.currentTarget as HTMLAnchorElement;
    window.open(link.href, 'cp-presenter', 'popup,width=1100,height=760');
  });
  window.addEventListener('hashchange', () => {
    const asked = Number(/^#slide-(\d+)$/.exec(location.hash)?.[1] ?? '0') - 1;
    if (asked >= 0 && asked !== index) show(asked, true);
  });
  if (channel !== null) {
    channel.onmessage = (event: MessageEvent) => {
      const message = readMessage(event.data);
      if (message?.type === 'show') show(message.index, false);
      else if (message?.type === 'where') channel.postMessage({ type: 'show', index });
    };
  }
  show(index, true);
}
