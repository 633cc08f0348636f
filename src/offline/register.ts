/**
 * Registers the course's service worker and, when a new version of the course has been
 * downloaded in the background, shows the update notice; its button switches to the new version.
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

if ('serviceWorker' in navigator && location.protocol !== 'file:') {
  window.addEventListener('load', () => {
    navigator.serviceWorker
      .register('/sw.js')
      .then((registration) => {
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
