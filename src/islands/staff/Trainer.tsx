import { useEffect, useRef, useState } from 'preact/hooks';
import { StaffGate } from './StaffGate.tsx';
import { format } from '../../i18n/format.ts';
import { api, HttpError, when, type DashboardStrings, type StaffSession } from './api.ts';
import { StaffTable } from './StaffTable.tsx';
import type { AccountStrings } from './Admin.tsx';
import { CohortGlance, type CohortView } from './CohortGlance.tsx';
import { CohortSeats, type SeatStrings } from './CohortSeats.tsx';
import './staff.css';

/** Props of the trainer dashboard island. */
export interface Props {
  lang: 'en' | 'fr';
  t: DashboardStrings;
  /** The cohort view's strings. */
  a: AccountStrings;
  /** Track ids and their titles in the page's language. */
  tracks: Record<string, string>;
  /** Module ids and their titles. */
  modules: Record<string, string>;
  /** The seats and admission control's strings. */
  s: SeatStrings;
}

interface Cohort {
  code: string;
  name: string;
  track: string;
  createdAt: string;
  learners: number;
  seats: number;
  closed: boolean;
}
const REFRESH_MS = 30_000;

function Live({
  code,
  lang,
  t,
  a,
  s,
  modules,
  csrf,
  onSeats,
}: {
  code: string;
  lang: Props['lang'];
  t: DashboardStrings;
  a: AccountStrings;
  s: SeatStrings;
  modules: Props['modules'];
  csrf: string;
  /** Called when the seats or admission changed, so the list shows them too. */
  onSeats: () => void;
}) {
  const [view, setView] = useState<CohortView | null>(null);
  // A sign-in code for a learner who lost their device (src/server/platform/sign-in/routes.ts).
  const [signIn, setSignIn] = useState<
    { name: string; code: string; time: string } | { name: string; failed: true } | null
  >(null);
  const giveCode = (learnerId: string, name: string) => {
    setSignIn(null);
    api<{ code: string; expiresAt: string }>(
      `/api/cohorts/${encodeURIComponent(code)}/learners/${encodeURIComponent(learnerId)}/sign-in-code`,
      { method: 'POST', csrf },
    ).then(
      (issued) => {
        const time = new Date(issued.expiresAt).toLocaleTimeString(
          lang === 'fr' ? 'fr-FR' : 'en-GB',
          { timeStyle: 'short' },
        );
        setSignIn({ name, code: issued.code, time });
      },
      () => {
        setSignIn({ name, failed: true });
      },
    );
  };
  const [failed, setFailed] = useState(false);
  const [auto, setAuto] = useState(true);
  const [updated, setUpdated] = useState('');
  const heading = useRef<HTMLHeadingElement>(null);

  const load = () => {
    api<CohortView>(`/api/cohorts/${encodeURIComponent(code)}?lang=${lang}`).then(
      (v) => {
        setView(v);
        setFailed(false);
        setUpdated(
          new Date().toLocaleTimeString(lang === 'fr' ? 'fr-FR' : 'en-GB', { timeStyle: 'short' }),
        );
      },
      () => {
        setFailed(true);
      },
    );
  };
  useEffect(load, [code]);
  useEffect(() => {
    heading.current?.focus();
  }, [code]);
  useEffect(() => {
    if (!auto) return undefined;
    const timer = window.setInterval(load, REFRESH_MS);
    return () => {
      window.clearInterval(timer);
    };
  }, [auto, code]);

  return (
    <section class="staff-panel" aria-labelledby="cohort-view" data-testid="cohort-view">
      <h2 id="cohort-view" tabIndex={-1} ref={heading}>
        {view === null ? code : format(t.cohortTitle, { name: view.name, code: view.code })}
      </h2>
      <div class="staff-actions">
        <button type="button" class="staff-button" onClick={load}>
          {t.refresh}
        </button>
        <label>
          <input
            type="checkbox"
            checked={auto}
            onChange={(e) => {
              setAuto(e.currentTarget.checked);
            }}
          />{' '}
          {t.autoRefresh}
        </label>
      </div>
      {/* Announced only on a failure: a table that reads itself out every 30 s would be noise. */}
      {failed && <p role="alert">{t.loadFailed}</p>}
      <p>{updated === '' ? t.loading : format(t.updatedAt, { time: updated })}</p>
      <div role="status" data-testid="sign-in-code">
        {signIn !== null && 'code' in signIn && (
          <div class="staff-signin">
            <p>{format(t.signInCodeIssued, { name: signIn.name, time: signIn.time })}</p>
            <p class="staff-signin__value staff-mono">{signIn.code}</p>
            <p>{t.signInCodeHow}</p>
          </div>
        )}
        {signIn !== null && 'failed' in signIn && (
          <p>{format(t.signInCodeFailed, { name: signIn.name })}</p>
        )}
      </div>
      {view !== null && (
        <>
          <p>
            <a href={`/${lang}/staff/items/?cohort=${encodeURIComponent(view.code)}`}>
              {s.itemStats}
            </a>
          </p>
          <CohortSeats
            code={view.code}
            seats={view.seats}
            taken={view.seatsTaken.length}
            closed={view.closed}
            csrf={csrf}
            s={s}
            onChanged={() => {
              load();
              onSeats();
            }}
          />
        </>
      )}
      {view !== null && (
        <CohortGlance
          view={view}
          lang={lang}
          t={t}
          a={a}
          modules={modules}
          extra={{
            header: t.signInCode,
            cell: (l) => (
              <button
                type="button"
                class="staff-button"
                aria-label={format(t.signInCodeFor, { name: l.name })}
                onClick={() => {
                  giveCode(l.learnerId, l.name);
                }}
              >
                {t.signInCode}
              </button>
            ),
          }}
        />
      )}
    </section>
  );
}

function Cohorts({ session, lang, t, a, s, tracks, modules }: Props & { session: StaffSession }) {
  const [list, setList] = useState<Cohort[] | null>(null);
  const [name, setName] = useState('');
  const [track, setTrack] = useState(Object.keys(tracks)[0] ?? '');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<{ code: string; name: string } | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const nameField = useRef<HTMLInputElement>(null);

  const reload = () => {
    api<Cohort[]>('/api/cohorts').then(setList, () => {
      setError(t.loadFailed);
    });
  };
  useEffect(reload, []);

  return (
    <div>
      <section aria-labelledby="new-cohort">
        <h2 id="new-cohort">{t.newCohort}</h2>
        <form
          class="staff-form"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            if (name.trim() === '') {
              setError(t.nameRequired);
              nameField.current?.focus();
              return;
            }
            setBusy(true);
            setError('');
            api<{ code: string; name: string }>('/api/cohorts', {
              method: 'POST',
              body: { name: name.trim(), track },
              csrf: session.csrfToken,
            }).then(
              (c) => {
                setBusy(false);
                setCreated(c);
                setName('');
                reload();
              },
              (err: unknown) => {
                setBusy(false);
                setError(
                  err instanceof HttpError && err.status === 401 ? t.needSignIn : t.loadFailed,
                );
              },
            );
          }}
        >
          <p>
            <label for="cohort-name">{t.cohortName}</label>
            <span id="cohort-name-hint" class="staff-hint">
              {t.cohortNameHint}
            </span>
            <input
              id="cohort-name"
              ref={nameField}
              maxLength={80}
              required
              aria-describedby="cohort-name-hint cohort-error"
              aria-invalid={error === t.nameRequired ? 'true' : undefined}
              value={name}
              onInput={(e) => {
                setName(e.currentTarget.value);
              }}
            />
          </p>
          <p>
            <label for="cohort-track">{t.track}</label>
            <select
              id="cohort-track"
              value={track}
              onChange={(e) => {
                setTrack(e.currentTarget.value);
              }}
            >
              {Object.entries(tracks).map(([id, title]) => (
                <option key={id} value={id}>
                  {title}
                </option>
              ))}
            </select>
          </p>
          <p id="cohort-error" role="alert" class="staff-error">
            {error}
          </p>
          <button type="submit" class="staff-button" disabled={busy}>
            {busy ? t.creating : t.create}
          </button>
        </form>
        <div role="status">
          {created !== null && (
            <p>
              {format(t.cohortCreated, { name: created.name })}{' '}
              <strong class="staff-code" data-testid="cohort-code">
                {created.code}
              </strong>
            </p>
          )}
        </div>
      </section>
      <div>
        <h2 id="my-cohorts">{t.myCohorts}</h2>
        {list === null ? (
          <p>{t.loading}</p>
        ) : list.length === 0 ? (
          <p>{t.noCohorts}</p>
        ) : (
          <StaffTable
            region={t.myCohorts}
            caption={t.myCohorts}
            columns={[t.cohortName, t.code, t.track, t.learners, s.seats, t.created, t.open]}
          >
            {list.map((c) => (
              <tr key={c.code}>
                <th scope="row">{c.name}</th>
                <td class="staff-mono">{c.code}</td>
                <td>{tracks[c.track] ?? c.track}</td>
                <td class="num">{c.learners}</td>
                <td>
                  {format(s.summary, {
                    taken: c.learners,
                    seats: c.seats,
                    left: Math.max(0, c.seats - c.learners),
                  })}
                  {c.closed && <span class="staff-hint">{s.closedShort}</span>}
                </td>
                <td>{when(c.createdAt, lang)}</td>
                <td>
                  <button
                    type="button"
                    class="staff-button staff-button--secondary"
                    aria-label={format(t.openCohort, { name: c.name })}
                    aria-pressed={open === c.code ? 'true' : 'false'}
                    onClick={() => {
                      setOpen(c.code);
                    }}
                  >
                    {t.open}
                  </button>
                </td>
              </tr>
            ))}
          </StaffTable>
        )}
      </div>
      {open !== null && (
        <Live
          key={open}
          code={open}
          lang={lang}
          t={t}
          a={a}
          s={s}
          modules={modules}
          csrf={session.csrfToken}
          onSeats={reload}
        />
      )}
    </div>
  );
}

/** The trainer's dashboard: create cohorts, list them, and follow one cohort live. */
export default function Trainer(props: Props) {
  return (
    <StaffGate lang={props.lang} t={props.t} role="trainer">
      {(session) => <Cohorts {...props} session={session} />}
    </StaffGate>
  );
}
