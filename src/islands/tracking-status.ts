import { h, render } from 'preact';
import {
  blocked,
  enrolLink,
  notEnrolled,
  pendingMany,
  pendingOne,
  refusedMany,
  refusedOne,
  retry,
  saved,
} from '../i18n/en/tracking.json';
import * as fr from '../i18n/fr/tracking.json';
import TrackingStatus, { type StatusStrings } from './TrackingStatus.tsx';
import './tracking-status.css';

// Only the status's own strings: named imports let the bundler leave the enrolment form's out.
const en: StatusStrings = {
  saved,
  pendingOne,
  pendingMany,
  refusedOne,
  refusedMany,
  blocked,
  retry,
  notEnrolled,
  enrolLink,
};

let shown = false;

/**
 * Shows the tracking status in the page header once per page. Mounted from the page's script
 * rather than as an Astro island so that the layout needs one line only and pages without a
 * learner load no Preact; tracking is JavaScript-only anyway. It lives beside the island, not in
 * src/client, because src/client never imports an island.
 */
export function showStatus(): void {
  if (shown) return;
  shown = true;
  const lang = document.documentElement.lang === 'fr' ? 'fr' : 'en';
  const strings: StatusStrings =
    lang === 'fr'
      ? {
          saved: fr.saved,
          pendingOne: fr.pendingOne,
          pendingMany: fr.pendingMany,
          refusedOne: fr.refusedOne,
          refusedMany: fr.refusedMany,
          blocked: fr.blocked,
          retry: fr.retry,
          notEnrolled: fr.notEnrolled,
          enrolLink: fr.enrolLink,
        }
      : en;
  const host = document.createElement('div');
  host.className = 'cp-sync-host no-print';
  const header = document.querySelector('.site-header__inner') ?? document.body;
  header.append(host);
  render(h(TrackingStatus, { strings, enrolHref: `/${lang}/enrol/` }), host);
}
