import { useEffect, useState } from 'preact/hooks';
import type enTracking from '../i18n/en/tracking.json';
import { format } from '../i18n/format.ts';
import { loadLearner } from '../client/learner.ts';
import { startSync, type Sync, type SyncStatus } from '../client/sync.ts';

/** The tracking UI strings: the shape of src/i18n/en/tracking.json. */
export type TrackingStrings = typeof enTracking;

/** The strings the status shows (a page passes only these, not the whole file). */
export type StatusStrings = Pick<
  TrackingStrings,
  | 'saved'
  | 'pendingOne'
  | 'pendingMany'
  | 'refusedOne'
  | 'refusedMany'
  | 'blocked'
  | 'retry'
  | 'notEnrolled'
  | 'enrolLink'
>;

const statusKeys = [
  'saved',
  'pendingOne',
  'pendingMany',
  'refusedOne',
  'refusedMany',
  'blocked',
  'retry',
  'notEnrolled',
  'enrolLink',
] as const satisfies readonly (keyof StatusStrings)[];

/** The status's own strings out of the whole tracking file (the page passes only these). */
export function statusStrings(strings: TrackingStrings): StatusStrings {
  return Object.fromEntries(statusKeys.map((key) => [key, strings[key]])) as StatusStrings;
}

/** Props of the status island. */
export interface TrackingStatusProps {
  strings: StatusStrings;
  /** The enrolment page of the page's language. */
  enrolHref: string;
}

/** The one line the status shows for an outbox state. */
export function statusText(strings: StatusStrings, status: SyncStatus): string {
  // Refused sign-in (401 or 403): the page's own words, not the service's English reason.
  if (status.state === 'blocked') return strings.blocked;
  if (status.refused > 0) {
    return format(status.refused === 1 ? strings.refusedOne : strings.refusedMany, {
      count: status.refused,
      reason: status.reason ?? '',
    });
  }
  if (status.pending > 0) {
    return format(status.pending === 1 ? strings.pendingOne : strings.pendingMany, {
      count: status.pending,
    });
  }
  return strings.saved;
}

/**
 * A small, polite status of learner tracking: "All progress saved", "3 items waiting to sync",
 * or what the record store refused, with a retry. Without a learner, a link to enrol.
 */
export default function TrackingStatus({ strings, enrolHref }: TrackingStatusProps) {
  const [sync, setSync] = useState<Sync | null>(null);
  const [status, setStatus] = useState<SyncStatus | null>(null);
  const [anonymous, setAnonymous] = useState(false);

  useEffect(() => {
    const learner = loadLearner();
    if (!learner) {
      setAnonymous(true);
      return;
    }
    const started = startSync(learner);
    setSync(started);
    let live = true;
    const refresh = () => {
      void started.status().then((next) => {
        if (live) setStatus(next);
      });
    };
    refresh();
    const stop = started.subscribe(refresh);
    return () => {
      live = false;
      stop();
    };
  }, []);

  if (anonymous) {
    return (
      <p class="cp-sync" data-sync="anonymous">
        {strings.notEnrolled} <a href={enrolHref}>{strings.enrolLink}</a>
      </p>
    );
  }
  if (!sync || !status) return <p class="cp-sync" role="status" />;
  const problem = status.refused > 0 || status.state === 'blocked';
  return (
    <p
      class="cp-sync"
      role="status"
      data-sync={problem ? 'problem' : status.pending > 0 ? 'pending' : 'saved'}
      data-pending={status.pending}
    >
      <span>{statusText(strings, status)}</span>
      {problem && (
        <button
          type="button"
          onClick={() => {
            void (status.refused > 0 ? sync.retryRefused() : sync.flush());
          }}
        >
          {strings.retry}
        </button>
      )}
    </p>
  );
}
