import { useEffect, useState } from 'preact/hooks';
import { MAX_SEATS, type CohortSummary } from '../../api/cohorts.ts';
import { format } from '../../i18n/format.ts';
import type strings from '../../i18n/en/seats.json';
import { api, HttpError } from './api.ts';

/** The seats control's UI strings. */
export type SeatStrings = typeof strings;

/** Props of a cohort's seats and admission control. */
interface Props {
  code: string;
  seats: number;
  taken: number;
  closed: boolean;
  csrf: string;
  s: SeatStrings;
  /** Called once a change is stored, to show the cohort as it now is. */
  onChanged: (summary: CohortSummary) => void;
}

/**
 * The trainer's control of a cohort's seats and admission (PATCH /api/cohorts/:code): the seats
 * taken and left, a new number of seats with its error beside the field, and admission closed
 * or reopened. Each result is announced.
 */
export function CohortSeats({ code, seats, taken, closed, csrf, s, onChanged }: Props) {
  const min = Math.max(1, taken);
  const [value, setValue] = useState(String(seats));
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState('');
  // The cohort as the service now has it (after a change, or a refresh of the view).
  useEffect(() => {
    setValue(String(seats));
  }, [seats]);

  const patch = (
    body: { seats?: number; closed?: boolean },
    said: (c: CohortSummary) => string,
  ) => {
    setBusy(true);
    setDone('');
    api<CohortSummary>(`/api/cohorts/${encodeURIComponent(code)}`, {
      method: 'PATCH',
      body,
      csrf,
    }).then(
      (summary) => {
        setBusy(false);
        setError('');
        setValue(String(summary.seats));
        setDone(said(summary));
        onChanged(summary);
      },
      (err: unknown) => {
        setBusy(false);
        const answer =
          err instanceof HttpError ? (err.body as { code?: string } | undefined) : undefined;
        setError(
          err instanceof HttpError && err.status === 401
            ? s.signedOut
            : answer?.code === 'seats_taken'
              ? format(s.seatsTaken, { taken })
              : answer?.code === 'invalid_field'
                ? format(s.seatsInvalid, { min, max: MAX_SEATS })
                : s.failed,
        );
      },
    );
  };

  return (
    <section aria-labelledby={`seats-${code}`} class="staff-seats" data-testid="cohort-seats">
      <h3 id={`seats-${code}`}>{s.title}</h3>
      <p data-testid="seats-summary">
        {format(s.summary, { taken, seats, left: Math.max(0, seats - taken) })}
      </p>
      <p data-testid="admission">{closed ? s.closed : s.open}</p>
      <form
        class="staff-form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          const wanted = Number(value.trim());
          if (
            value.trim() === '' ||
            !Number.isInteger(wanted) ||
            wanted < min ||
            wanted > MAX_SEATS
          ) {
            setDone('');
            setError(
              Number.isInteger(wanted) && wanted >= 1 && wanted < min
                ? format(s.seatsTaken, { taken })
                : format(s.seatsInvalid, { min, max: MAX_SEATS }),
            );
            (e.currentTarget.elements.namedItem('seats') as HTMLInputElement | null)?.focus();
            return;
          }
          patch({ seats: wanted }, (c) => format(s.seatsSaved, { seats: c.seats }));
        }}
      >
        <p>
          <label for={`seats-input-${code}`}>{s.seats}</label>
          <span id={`seats-hint-${code}`} class="staff-hint">
            {format(s.seatsHint, { min, max: MAX_SEATS })}
          </span>
          <span class="staff-seats__field">
            <input
              id={`seats-input-${code}`}
              name="seats"
              type="number"
              inputMode="numeric"
              min={min}
              max={MAX_SEATS}
              step={1}
              required
              aria-describedby={`seats-hint-${code} seats-error-${code}`}
              aria-invalid={error === '' ? undefined : 'true'}
              value={value}
              onInput={(e) => {
                setValue(e.currentTarget.value);
              }}
            />
            <button type="submit" class="staff-button" disabled={busy}>
              {busy ? s.saving : s.saveSeats}
            </button>
          </span>
          <span id={`seats-error-${code}`} role="alert" class="staff-error staff-seats__error">
            {error}
          </span>
        </p>
      </form>
      <p>
        <button
          type="button"
          class="staff-button staff-button--secondary"
          disabled={busy}
          onClick={() => {
            patch({ closed: !closed }, (c) => (c.closed ? s.closedDone : s.reopenedDone));
          }}
        >
          {closed ? s.reopenAdmission : s.closeAdmission}
        </button>
      </p>
      <div role="status" data-testid="seats-announce">
        {done !== '' && <p class="staff-done">{done}</p>}
      </div>
    </section>
  );
}
