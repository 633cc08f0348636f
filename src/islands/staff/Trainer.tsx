import { useEffect, useRef, useState } from 'preact/hooks';
import type { CohortView } from '../../api/cohorts.ts';
import { format } from '../../i18n/format.ts';
import type { AccountStrings } from './Admin.tsx';
import { api, clock, HttpError, when, type PageProps, type StaffSession } from './api.ts';
import { CohortGlance, type GlanceProps } from './CohortGlance.tsx';
import { CohortSeats, type SeatStrings } from './CohortSeats.tsx';
import { Button, Checkbox, NameForm, OneTimeValue, useSubmit } from './parts.tsx';
import { gated } from './StaffGate.tsx';
import { StaffTable } from './StaffTable.tsx';
import './staff.css';

/** Props of the trainer dashboard island. */
export interface Props extends PageProps {
  /** The cohort view's strings. */
  a: AccountStrings;
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

/** A sign-in code for a learner who lost their device (src/server/platform/sign-in/routes.ts). */
type SignIn = { name: string; code: string; time: string } | { name: string; failed: true };

function Live({
  code,
  s,
  csrf,
  onSeats,
  ...glance
}: GlanceProps & {
  code: string;
  s: SeatStrings;
  csrf: string;
  /** Called when the seats or admission changed, so the list shows them too. */
  onSeats: () => void;
}) {
  const { lang, t } = glance;
  const [view, setView] = useState<CohortView | null>(null);
  const [signIn, setSignIn] = useState<SignIn | null>(null);
  const giveCode = (learnerId: string, name: string) => {
    setSignIn(null);
    api<{ code: string; expiresAt: string }>(
      `/api/cohorts/${encodeURIComponent(code)}/learners/${encodeURIComponent(learnerId)}/sign-in-code`,
      { method: 'POST', csrf },
    ).then(
      (issued) => {
        setSignIn({ name, code: issued.code, time: clock(issued.expiresAt, lang) });
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
        setUpdated(clock(new Date(), lang));
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
        <Checkbox checked={auto} onValue={setAuto} label={t.autoRefresh} />
      </div>
      {/* Announced only on a failure: a table that reads itself out every 30 s would be noise. */}
      {failed && <p role="alert">{t.loadFailed}</p>}
      <p>{updated === '' ? t.loading : format(t.updatedAt, { time: updated })}</p>
      <div role="status" data-testid="sign-in-code">
        {signIn !== null && 'code' in signIn && (
          <OneTimeValue
            lead={format(t.signInCodeIssued, { name: signIn.name, time: signIn.time })}
            value={signIn.code}
            how={t.signInCodeHow}
          />
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
          <CohortGlance
            view={view}
            {...glance}
            extra={{
              header: t.signInCode,
              cell: (l) => (
                <Button
                  label={format(t.signInCodeFor, { name: l.name })}
                  onClick={() => {
                    giveCode(l.learnerId, l.name);
                  }}
                >
                  {t.signInCode}
                </Button>
              ),
            }}
          />
        </>
      )}
    </section>
  );
}

function Cohorts({ session, lang, t, a, s, tracks, modules }: Props & { session: StaffSession }) {
  const [list, setList] = useState<Cohort[] | null>(null);
  const [track, setTrack] = useState(Object.keys(tracks)[0] ?? '');
  const submit = useSubmit();
  const [created, setCreated] = useState<{ code: string; name: string } | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const nameField = useRef<HTMLInputElement>(null);

  const reload = () => {
    api<Cohort[]>('/api/cohorts').then(setList, () => {
      submit.setError(t.loadFailed);
    });
  };
  useEffect(reload, []);

  const create = (trimmed: string, made: () => void) => {
    submit.send(
      () =>
        api<{ code: string; name: string }>('/api/cohorts', {
          method: 'POST',
          body: { name: trimmed, track },
          csrf: session.csrfToken,
        }),
      (c) => {
        setCreated(c);
        made();
        reload();
      },
      (err) => (err instanceof HttpError && err.status === 401 ? t.needSignIn : t.loadFailed),
    );
  };

  const trackOptions = Object.entries(tracks);

  return (
    <div>
      <section aria-labelledby="new-cohort">
        <h2 id="new-cohort">{t.newCohort}</h2>
        <NameForm
          submit={submit}
          id="cohort"
          text={t}
          nameRef={nameField}
          invalid={(error) => error === t.nameRequired}
          kind={{ id: 'cohort-track', label: t.track, value: track, options: trackOptions }}
          onKind={setTrack}
          onSubmit={create}
        />
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
                  <Button
                    secondary
                    label={format(t.openCohort, { name: c.name })}
                    pressed={open === c.code}
                    onClick={() => {
                      setOpen(c.code);
                    }}
                  >
                    {t.open}
                  </Button>
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
          s={s}
          csrf={session.csrfToken}
          onSeats={reload}
          {...{ lang, t, a, modules }}
        />
      )}
    </div>
  );
}

/** The trainer's dashboard: create cohorts, list them, and follow one cohort live. */
export default gated('trainer', Cohorts);
