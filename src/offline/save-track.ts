import { format } from '../i18n/format.ts';

/** What the service worker says of a track. */
interface TrackInfo {
  known: boolean;
  bytes: number;
  files: number;
  saved: boolean;
}

/** What the service worker reports while saving or removing a track. */
type SaveMessage =
  | { type: 'progress'; done: number; total: number }
  | { type: 'done' }
  | { type: 'removed' }
  | { type: 'error'; message: string };

/** Sends the worker a message with a reply channel; calls `onReply` for each reply. */
function ask(worker: ServiceWorker, message: object, onReply: (data: unknown) => void): void {
  const channel = new MessageChannel();
  channel.port1.onmessage = (event: MessageEvent) => {
    onReply(event.data);
  };
  worker.postMessage(message, [channel.port2]);
}

/** A size in the page's language: "850 KB", "1.4 MB" ("850 Ko", "1,4 Mo"). */
function sizeText(bytes: number, lang: string, words: Record<string, string>): string {
  const number = new Intl.NumberFormat(lang, { maximumFractionDigits: 1 });
  return bytes < 1024 * 1024
    ? format(words.kb ?? '{n} KB', { n: number.format(Math.max(1, Math.round(bytes / 1024))) })
    : format(words.mb ?? '{n} MB', { n: number.format(bytes / (1024 * 1024)) });
}

/** Wires one "save this track" control to the service worker. */
export async function setUpSaveTrack(box: HTMLElement): Promise<void> {
  if (!('serviceWorker' in navigator)) return;
  const key = box.dataset.offlineTrack ?? '';
  const words = JSON.parse(box.dataset.offlineStrings ?? '{}') as Record<string, string>;
  const save = box.querySelector<HTMLButtonElement>('[data-offline-save]');
  const remove = box.querySelector<HTMLButtonElement>('[data-offline-remove]');
  const progress = box.querySelector<HTMLProgressElement>('[data-offline-progress]');
  const status = box.querySelector<HTMLElement>('[data-offline-status]');
  if (!save || !remove || !progress || !status) return;
  const worker = (await navigator.serviceWorker.ready).active;
  if (!worker) return;
  const info = await new Promise<TrackInfo>((resolve) => {
    ask(worker, { type: 'TRACK_INFO', track: key }, (data) => {
      resolve(data as TrackInfo);
    });
  });
  if (!info.known) return;
  const lang = document.documentElement.lang;
  save.textContent = format(words.save ?? '', { size: sizeText(info.bytes, lang, words) });
  const show = (saved: boolean): void => {
    save.hidden = saved;
    remove.hidden = !saved;
    save.disabled = false;
    progress.hidden = true;
  };
  show(info.saved);
  if (info.saved) status.textContent = words.saved ?? '';
  box.hidden = false;

  save.addEventListener('click', () => {
    save.disabled = true;
    progress.hidden = false;
    progress.value = 0;
    ask(worker, { type: 'SAVE_TRACK', track: key }, (data) => {
      const message = data as SaveMessage;
      if (message.type === 'progress') {
        progress.value = message.done / message.total;
        status.textContent = format(words.saving ?? '', {
          done: message.done,
          total: message.total,
        });
      } else if (message.type === 'done') {
        show(true);
        status.textContent = words.saved ?? '';
        remove.focus();
      } else if (message.type === 'error') {
        show(false);
        status.textContent = words.failed ?? '';
      }
    });
  });
  remove.addEventListener('click', () => {
    ask(worker, { type: 'REMOVE_TRACK', track: key }, () => {
      show(false);
      status.textContent = words.removed ?? '';
      save.focus();
    });
  });
}
