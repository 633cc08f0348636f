import { h, render } from 'preact';
import TrackingStatus, { type StatusStrings } from './TrackingStatus.tsx';
import './tracking-status.css';

let shown = false;

/**
 * Shows the tracking status in the page header once per page. Mounted from the page's script
 * rather than as an Astro island so that the layout needs one line only and pages without a
 * learner load no Preact; tracking is JavaScript-only anyway. It lives beside the island, not in
 * src/client, because src/client never imports an island. Its strings come from the header
 * (src/layouts/Base.astro), in the page's language only.
 */
export function showStatus(): void {
  const header = document.querySelector<HTMLElement>('.site-header__inner');
  if (shown || !header?.dataset.syncStrings) return;
  shown = true;
  const strings = JSON.parse(header.dataset.syncStrings) as StatusStrings;
  const host = document.createElement('div');
  host.className = 'cp-sync-host no-print';
  header.append(host);
  render(
    h(TrackingStatus, { strings, enrolHref: `/${document.documentElement.lang}/enrol/` }),
    host,
  );
}
