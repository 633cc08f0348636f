import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { CohortGlance } from '../../api/reports.ts';
import { format } from '../../i18n/format.ts';
import type { AccountStrings } from './Admin.tsx';
import { api, HttpError, percent, type DashboardStrings } from './api.ts';
import { StaffTable } from './StaffTable.tsx';

/** The cohort at a glance, as GET /api/cohorts/:code answers it. */
export interface CohortView extends CohortGlance {
  code: string;
  name: string;
  track: string;
  /** The seats the cohort's code admits, and whether it is closed to new members. */
  seats: number;
  closed: boolean;
  /** The learners who took a seat, in the order they took it. */
  seatsTaken: { learnerId: string; name: string; serviceNumber: string; joinedAt: string }[];
  modules: string[];
}

/** Props of the cohort view. */
interface Props {
  view: CohortView;
  lang: 'en' | 'fr';
  t: DashboardStrings;
  a: AccountStrings;
  /** Module ids and their titles. */
  modules: Record<string, string>;
  /** One more column (the trainer's sign-in codes): its header and its cell per learner. */
  extra?: { header: string; cell: (learner: CohortView['learners'][number]) => ComponentChildren };
}

/**
 * A cohort at a glance, for its trainer and the DPO: per learner modules done, knowledge checks,
 * assessment attempts and outcomes not yet met; the cohort's weakest outcomes; the CSV and the
 * cohort's item statistics.
 */
export function CohortGlance({ view, lang, t, a, modules, extra }: Props) {
  const total = view.modules.length;
  const code = encodeURIComponent(view.code);
  const title = (module: string) => modules[module] ?? module;
  return (
    <div>
      <p class="staff-actions">
        <a
          class="staff-button staff-button--secondary"
          href={`/api/cohorts/${code}/learners.csv?lang=${lang}`}
          download={`cohort-${view.code}.csv`}
        >
          {a.downloadCohort}
        </a>
        <a
          class="staff-button staff-button--secondary"
          href={`/api/reports/items.csv?track=${encodeURIComponent(view.track)}&cohort=${code}`}
          download={`items-${view.code}.csv`}
        >
          {a.itemStats}
        </a>
      </p>
      {view.learners.length === 0 ? (
        <p>{t.noLearners}</p>
      ) : (
        <StaffTable
          region={format(t.cohortTableLabel, { name: view.name, code: view.code })}
          caption={format(t.cohortTitle, { name: view.name, code: view.code })}
          columns={[
            t.learner,
            a.modulesDone,
            a.checksDone,
            a.attempts,
            a.notMet,
            t.certified,
            ...(extra === undefined ? [] : [extra.header]),
          ]}
          testId="cohort-table"
        >
          {view.learners.map((l) => (
            <tr key={l.learnerId} data-learner-id={l.learnerId}>
              <th scope="row">{l.name}</th>
              <td>
                {format(a.ofCount, { done: l.modulesDone, total })}
                {total > 0 && l.modulesDone >= total && <span class="staff-hint">{t.done}</span>}
                {l.modulesDone > 0 && l.modulesDone < total && (
                  <span class="staff-hint">
                    {l.modules
                      .filter((m) => m.completedAt !== null)
                      .map((m) => title(m.module))
                      .join(', ')}
                  </span>
                )}
              </td>
              <td>
                {format(a.ofCount, { done: l.checksDone, total })}
                {l.checksDone > 0 && (
                  <span class="staff-hint">
                    {l.modules
                      .filter((m) => m.score !== null)
                      .map((m) => `${title(m.module)}: ${percent(m.score ?? 0, lang)}`)
                      .join(', ')}
                  </span>
                )}
              </td>
              <td>
                {l.attempts === 0
                  ? a.attemptsNone
                  : format(a.attemptsValue, {
                      count: l.attempts,
                      result: l.passed ? a.passed : a.notPassed,
                      best: percent(l.bestScore ?? 0, lang),
                    })}
              </td>
              <td>
                {l.outcomesNotMet === null ? (
                  a.notAssessed
                ) : l.outcomesNotMet.length === 0 ? (
                  a.allMet
                ) : (
                  <ul class="staff-list">
                    {l.outcomesNotMet.map((o) => (
                      <li key={`${o.module}/${o.outcome}`}>{`${o.text} (${title(o.module)})`}</li>
                    ))}
                  </ul>
                )}
              </td>
              <td>{l.certified ? `${t.yes} (${l.certificateCode ?? ''})` : t.no}</td>
              {extra !== undefined && <td>{extra.cell(l)}</td>}
            </tr>
          ))}
        </StaffTable>
      )}
      <h3>{a.weakest}</h3>
      {view.weakest.length === 0 ? (
        <p>{a.weakestNone}</p>
      ) : (
        <>
          <p>{a.weakestIntro}</p>
          <ol data-testid="weakest-outcomes">
            {view.weakest.map((w) => (
              <li key={`${w.module}/${w.outcome}`}>
                {format(a.weakestItem, {
                  text: w.text,
                  module: title(w.module),
                  met: w.met,
                  assessed: w.assessed,
                })}
              </li>
            ))}
          </ol>
        </>
      )}
    </div>
  );
}

/** The DPO's way in: any cohort by its code, at a glance. */
export function CohortByCode(props: Omit<Props, 'view' | 'extra'>) {
  const { t, a, lang } = props;
  const [code, setCode] = useState('');
  const [view, setView] = useState<CohortView | 'loading' | 'missing' | 'failed' | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (typeof view === 'object' && view !== null) heading.current?.focus();
  }, [view]);
  return (
    <section aria-labelledby="cohort-glance">
      <h2 id="cohort-glance">{a.glanceTitle}</h2>
      <form
        class="staff-form"
        onSubmit={(e) => {
          e.preventDefault();
          const wanted = code.trim();
          if (wanted === '') return;
          setView('loading');
          api<CohortView>(`/api/cohorts/${encodeURIComponent(wanted)}?lang=${lang}`).then(
            setView,
            (err: unknown) => {
              setView(err instanceof HttpError && err.status === 404 ? 'missing' : 'failed');
            },
          );
        }}
      >
        <p>
          <label for="glance-code">{a.cohortCode}</label>
          <span id="glance-code-hint" class="staff-hint">
            {a.glanceIntro}
          </span>
          <input
            id="glance-code"
            maxLength={40}
            autocomplete="off"
            aria-describedby="glance-code-hint"
            value={code}
            onInput={(e) => {
              setCode(e.currentTarget.value);
            }}
          />
        </p>
        <button type="submit" class="staff-button">
          {a.showCohort}
        </button>
      </form>
      <div aria-live="polite">
        {view === 'loading' && <p>{t.loading}</p>}
        {view === 'missing' && <p role="alert">{a.noCohort}</p>}
        {view === 'failed' && <p role="alert">{t.loadFailed}</p>}
      </div>
      {typeof view === 'object' && view !== null && (
        <div class="staff-panel" data-testid="cohort-view">
          <h3 id="cohort-glance-name" tabIndex={-1} ref={heading}>
            {format(t.cohortTitle, { name: view.name, code: view.code })}
          </h3>
          <CohortGlance {...props} view={view} />
        </div>
      )}
    </section>
  );
}
