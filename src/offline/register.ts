/**
 * Registers the course's service worker and, when a new version of the site is there, shows the
 * update notice; its button switches to the new version.
 */
function showUpdate(worker: ServiceWorker): void {
  const notice = document.getElementById('update-notice');
  const button = notice?.querySelector('button');
  if (!notice || !button) return;
  notice.hidden = false;
  button.addEventListener('click', () => {
    worker.postMessage({ type: 'SKIP_WAITING' });
  });
}

/**
 * On the first visit the page loaded before the worker was there to see it: the worker is given
 * the page and the files it loaded to keep, from the browser's cache, so that it opens offline.
 */
function keepThisPage(worker: ServiceWorker | null): void {
  const urls = [
    location.pathname,
    ...performance
      .getEntriesByType('resource')
      .map((entry) => entry.name)
      .filter((name) => name.startsWith(location.origin)),
  ];
  worker?.postMessage({ type: 'KEEP_PAGE', urls });
}

if ('serviceWorker' in navigator && location.protocol !== 'file:') {
  const controlled = navigator.serviceWorker.controller !== null;
  window.addEventListener('load', () => {
    navigator.serviceWorker
      .register('/sw.js')
      .then(async (registration) => {
        if (!controlled) keepThisPage((await navigator.serviceWorker.ready).active);
        // An update found on an earlier visit may already be waiting.
        if (registration.waiting && navigator.serviceWorker.controller) {
          showUpdate(registration.waiting);
        }
        registration.addEventListener('updatefound', () => {
          const worker = registration.installing;
          worker?.addEventListener('statechange', () => {
            if (worker.state === 'installed' && navigator.serviceWorker.controller) {
              showUpdate(worker);
            }
          });
        });
      })
      .catch(() => {
        // No service worker (development server, private mode): the site works online as before.
      });
    let reloading = false;
    navigator.serviceWorker.addEventListener('controllerchange', () => {
      // Only a switch the learner asked for reloads; the first install claims pages silently.
      if (reloading || document.getElementById('update-notice')?.hidden !== false) return;
      reloading = true;
      location.reload();
    });
  });
}
