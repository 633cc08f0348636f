import { useEffect, useRef, useState } from 'preact/hooks';
import {
  LANGUAGE_GAP,
  LOW_DISCRIMINATION,
  MIN_SEEN,
  MIN_SEEN_PER_LANGUAGE,
  type ItemStat,
  type ItemStatsAnswer,
  type RetiredAnswer,
  type RetirementEntry,
} from '../../api/items.ts';
import { format } from '../../i18n/format.ts';
import type strings from '../../i18n/en/items.json';
import { gated } from './StaffGate.tsx';
import { StaffTable } from './StaffTable.tsx';
import { api, HttpError, percent, when, type PageProps, type StaffSession } from './api.ts';
import {
  Button,
  Checkbox,
  CsvLink,
  ListOr,
  Loaded,
  SelectField,
  TextField,
  useLoad,
} from './parts.tsx';
import './staff.css';

/** The item statistics page's UI strings. */
export type ItemStrings = typeof strings;

/** Props of the item statistics island. */
export interface Props extends PageProps {
  s: ItemStrings;
}

/** A trainer's cohort as GET /api/cohorts lists it. */
interface Cohort {
  code: string;
  name: string;
  track: string;
}

/** Which attempts the figures are of: a track's, overall or of one cohort. */
interface Scope {
  track: string;
  cohort: string;
}

type Loaded =
  | { state: 'idle' | 'loading' | 'failed' }
  | { state: 'refused'; message: string }
  | { state: 'done'; scope: Scope; items: ItemStat[] };

const query = (scope: Scope) => {
  const params = new URLSearchParams({ track: scope.track });
  if (scope.cohort !== '') params.set('cohort', scope.cohort);
  return params.toString();
};

// The scope a link gave (?track=...&cohort=...), read once the page runs in the browser.
const linkedScope = (): Partial<Scope> => {
  if (typeof window === 'undefined') return {};
  const params = new URLSearchParams(window.location.search);
  return {
    ...(params.get('track') === null ? {} : { track: params.get('track') ?? '' }),
    ...(params.get('cohort') === null
      ? {}
      : { cohort: (params.get('cohort') ?? '').toUpperCase() }),
  };
};

/** Why a request was refused, in the page's words. */
const refusal = (error: unknown, s: ItemStrings): string | null => {
  if (!(error instanceof HttpError)) return null;
  const code = (error.body as { code?: string } | undefined)?.code;
  if (error.status === 404) return s.noSuchCohort;
  if (code === 'not_your_cohort') return s.notYourCohort;
  return null;
};

function Statistics({ lang, t, s, tracks, modules, session }: Props & { session: StaffSession }) {
  const dpo = session.role === 'dpo';
  const linked = useRef(linkedScope());
  const firstTrack = Object.keys(tracks)[0] ?? '';
  const [cohorts, setCohorts] = useState<Cohort[] | null>(null);
  const [draft, setDraft] = useState<Scope>({
    track: linked.current.track ?? firstTrack,
    cohort: linked.current.cohort ?? '',
  });
  const [scope, setScope] = useState<Scope | null>(null);
  const [loaded, setLoaded] = useState<Loaded>({ state: 'idle' });
  const [flaggedOnly, setFlaggedOnly] = useState(false);
  const [announced, setAnnounced] = useState('');
  const [asked, setAsked] = useState<ItemStat | null>(null);
  const [saving, setSaving] = useState(false);
  const [askError, setAskError] = useState('');
  const dialog = useRef<HTMLDialogElement>(null);
  const opener = useRef<string | null>(null);

  // A trainer's figures are of one of their cohorts: list them and start with the linked one or
  // the newest. The DPO starts with the first track's figures, every cohort together.
  useEffect(() => {
    if (!dpo) {
      api<Cohort[]>('/api/cohorts').then(
        (list) => {
          setCohorts(list);
          const start = list.find((c) => c.code === linked.current.cohort) ?? list[0];
          if (start !== undefined) {
            const first = { track: start.track, cohort: start.code };
            setDraft(first);
            setScope(first);
          }
        },
        () => {
          setLoaded({ state: 'failed' });
        },
      );
    } else {
      setScope({ ...draft });
    }
  }, []);

  const [log, loadLog] = useLoad(
    () => api<{ entries: RetirementEntry[] }>('/api/reports/items/retirements'),
    [],
  );

  const load = (shown: Scope, quiet = false) => {
    if (!quiet) setLoaded({ state: 'loading' });
    return api<ItemStatsAnswer>(`/api/reports/items?${query(shown)}&lang=${lang}`).then(
      (answer) => {
        setLoaded({ state: 'done', scope: shown, items: answer.items });
      },
      (error: unknown) => {
        const message = refusal(error, s);
        setLoaded(message === null ? { state: 'failed' } : { state: 'refused', message });
      },
    );
  };
  useEffect(() => {
    if (scope === null) return;
    void load(scope);
    // The address keeps the scope, so a reload or a shared link shows the same figures.
    window.history.replaceState(null, '', `?${query(scope)}`);
  }, [scope]);

  useEffect(() => {
    const box = dialog.current;
    if (box === null) return;
    if (asked !== null && !box.open) box.showModal();
    if (asked === null && box.open) box.close();
  }, [asked]);

  const closeDialog = () => {
    setAsked(null);
    setAskError('');
    const id = opener.current;
    // Back to the button that opened it (or the one that replaced it).
    window.setTimeout(() => {
      if (id !== null) document.getElementById(`retire-${id}`)?.focus();
    }, 0);
  };

  const change = (item: ItemStat) => {
    const retired = !item.retired;
    setSaving(true);
    setAskError('');
    api<RetiredAnswer>(`/api/reports/items/${encodeURIComponent(item.item)}/retired`, {
      method: 'PUT',
      body: { retired },
      csrf: session.csrfToken,
    }).then(
      (answer) => {
        setSaving(false);
        setAnnounced(
          format(answer.retired ? s.retiredDone : s.restoredDone, { item: answer.item }),
        );
        closeDialog();
        if (loaded.state === 'done') void load(loaded.scope, true);
        loadLog();
      },
      (error: unknown) => {
        setSaving(false);
        setAskError(
          error instanceof HttpError && error.status === 401 ? s.signedOut : s.changeFailed,
        );
      },
    );
  };

  const decimal = new Intl.NumberFormat(lang, {
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
    signDisplay: 'negative',
  });
  const share = (value: number | null) => (value === null ? s.notEnough : percent(value, lang));
  const items = loaded.state === 'done' ? loaded.items : [];
  const shown = flaggedOnly ? items.filter((i) => i.flags.length > 0) : items;
  const gapPoints = Math.round(LANGUAGE_GAP * 100);
  const flagText = (flag: ItemStat['flags'][number]) =>
    format(s[`flag.${flag}`], { points: gapPoints });

  const scopeForm = (
    <form
      class="staff-form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        setScope({ track: draft.track, cohort: draft.cohort.trim().toUpperCase() });
      }}
    >
      <fieldset class="staff-filters staff-items__scope">
        <legend>{s.scope}</legend>
        {dpo ? (
          <>
            <p>
              <SelectField
                id="items-track"
                label={s.track}
                value={draft.track}
                options={Object.entries(tracks)}
                onValue={(track) => {
                  setDraft({ ...draft, track });
                }}
              />
            </p>
            <TextField
              id="items-cohort"
              label={s.cohortCode}
              hint={s.cohortCodeHint}
              class="staff-mono"
              autocomplete="off"
              spellcheck={false}
              maxLength={40}
              value={draft.cohort}
              onValue={(cohort) => {
                setDraft({ ...draft, cohort });
              }}
            />
          </>
        ) : (
          <p>
            <SelectField
              id="items-cohort"
              label={s.cohort}
              value={draft.cohort}
              options={(cohorts ?? []).map(
                (c) => [c.code, `${c.name} (${c.code}), ${tracks[c.track] ?? c.track}`] as const,
              )}
              onValue={(code) => {
                const picked = cohorts?.find((c) => c.code === code);
                setDraft({ track: picked?.track ?? draft.track, cohort: code });
              }}
            />
          </p>
        )}
      </fieldset>
      <div class="staff-actions">
        <button type="submit" class="staff-button">
          {s.show}
        </button>
        {scope !== null && (
          <CsvLink
            href={`/api/reports/items.csv?${query(scope)}&lang=${lang}`}
            file={`items-${scope.cohort === '' ? scope.track : scope.cohort}.csv`}
            hintId="items-csv-hint"
            text={s.csv}
            hint={s.csvHint}
          />
        )}
      </div>
    </form>
  );

  return (
    <div>
      <p>
        <a href={`/${lang}/staff/${dpo ? 'dpo' : 'trainer'}/`}>{dpo ? s.backDpo : s.backTrainer}</a>
      </p>
      {!dpo && cohorts !== null && cohorts.length === 0 ? <p>{s.noCohorts}</p> : scopeForm}
      <details class="staff-how">
        <summary>{s.howTitle}</summary>
        <ul>
          <li>{s.howFacility}</li>
          <li>{s.howGuess}</li>
          <li>{format(s.howDiscrimination, { low: decimal.format(LOW_DISCRIMINATION) })}</li>
          <li>{s.howLanguages}</li>
          <li>
            {format(s.howFlags, { minSeen: MIN_SEEN, minLanguage: MIN_SEEN_PER_LANGUAGE })}{' '}
            {format(s['flag.language-gap'], { points: gapPoints })}.
          </li>
        </ul>
      </details>
      <div role="status" data-testid="items-announce">
        {announced !== '' && <p class="staff-done">{announced}</p>}
      </div>
      <div aria-live="polite" aria-busy={loaded.state === 'loading' ? 'true' : 'false'}>
        {loaded.state === 'loading' && <p>{t.loading}</p>}
        {loaded.state === 'failed' && <p role="alert">{t.loadFailed}</p>}
        {loaded.state === 'refused' && (
          <p role="alert" class="staff-error">
            {loaded.message}
          </p>
        )}
        {loaded.state === 'done' && (
          <p data-testid="items-summary">
            {format(s.summary, {
              seen: items.filter((i) => i.seen > 0).length,
              items: items.length,
              flagged: items.filter((i) => i.flags.length > 0).length,
              retired: items.filter((i) => i.retired).length,
            })}
          </p>
        )}
      </div>
      {loaded.state === 'done' && (
        <>
          {items.every((i) => i.seen === 0) && <p>{s.noAttempts}</p>}
          <p>
            <Checkbox checked={flaggedOnly} onValue={setFlaggedOnly} label={s.flaggedOnly} />
          </p>
          {!dpo && <p class="staff-hint">{s.dpoOnly}</p>}
          <StaffTable
            region={s.pageTitle}
            caption={
              loaded.scope.cohort === ''
                ? format(s.captionAll, { track: tracks[loaded.scope.track] ?? loaded.scope.track })
                : format(s.captionCohort, {
                    track: tracks[loaded.scope.track] ?? loaded.scope.track,
                    cohort: loaded.scope.cohort,
                  })
            }
            columns={[
              s.colQuestion,
              s.colSeen,
              s.colFacility,
              s.colGuess,
              s.colDiscrimination,
              s.colOptions,
              s.colLanguages,
              s.colFlags,
              s.colStatus,
            ]}
            testId="items-table"
          >
            {shown.map((i) => (
              <tr key={i.item} data-item={i.item} class={i.retired ? 'staff-row--retired' : ''}>
                <th scope="row" class="staff-items__question">
                  {i.prompt}
                  <span class="staff-hint">
                    {modules[i.module] ?? i.module} · <span class="staff-mono">{i.item}</span>
                  </span>
                </th>
                <td class="num" data-col="seen">
                  {i.seen}
                </td>
                <td class="num" data-col="facility">
                  {i.seen === 0 ? s.notSeen : share(i.facility)}
                </td>
                <td class="num">{percent(i.guessScore, lang)}</td>
                <td class="num" data-col="discrimination">
                  {i.discrimination === null ? s.notEnough : decimal.format(i.discrimination)}
                </td>
                <td data-col="options">
                  <ListOr items={i.options} empty={s.noOptions} class="staff-list">
                    {(o) => (
                      <li key={o.id}>
                        {format(s.optionChosen, { count: o.chosen, text: o.text })}
                        {o.correct === true && <strong> {s.rightAnswer}</strong>}
                      </li>
                    )}
                  </ListOr>
                </td>
                <td data-col="languages" class="staff-items__languages">
                  <span class="staff-items__line">
                    {format(s['languageLine.en'], {
                      value: i.seenEn === 0 ? s.notSeen : share(i.facilityEn),
                      seen: i.seenEn,
                    })}
                  </span>
                  <span class="staff-items__line">
                    {format(s['languageLine.fr'], {
                      value: i.seenFr === 0 ? s.notSeen : share(i.facilityFr),
                      seen: i.seenFr,
                    })}
                  </span>
                  {i.flags.includes('language-gap') && (
                    <strong class="staff-flag">
                      {format(s.languageGap, {
                        points: Math.round(
                          Math.abs((i.facilityEn ?? 0) - (i.facilityFr ?? 0)) * 100,
                        ),
                      })}
                    </strong>
                  )}
                </td>
                <td data-col="flags">
                  <ListOr items={i.flags} empty={s.noFlags} class="staff-list">
                    {(f) => (
                      <li key={f} class="staff-flag">
                        {flagText(f)}
                      </li>
                    )}
                  </ListOr>
                </td>
                <td data-col="status">
                  {i.retired ? s.retired : s.inUse}
                  {dpo && (
                    <Button
                      secondary
                      id={`retire-${i.item}`}
                      extraClass="staff-items__action"
                      label={format(i.retired ? s.restoreFor : s.retireFor, { item: i.item })}
                      onClick={() => {
                        opener.current = i.item;
                        setAskError('');
                        setAsked(i);
                      }}
                    >
                      {i.retired ? s.restore : s.retire}
                    </Button>
                  )}
                </td>
              </tr>
            ))}
          </StaffTable>
        </>
      )}
      <section aria-labelledby="items-log">
        <h2 id="items-log">{s.log}</h2>
        <p>{s.logIntro}</p>
        <Loaded value={log} t={t}>
          {({ entries }) =>
            entries.length === 0 ? (
              <p>{s.logEmpty}</p>
            ) : (
              <ul data-testid="items-log">
                {entries.map((e, n) => (
                  <li key={n}>
                    {format(e.retired ? s.logRetired : s.logRestored, {
                      when: when(e.at, lang),
                      by: e.by,
                      item: e.item,
                    })}
                  </li>
                ))}
              </ul>
            )
          }
        </Loaded>
      </section>
      <dialog
        ref={dialog}
        class="staff-dialog"
        aria-labelledby="items-confirm-title"
        aria-describedby="items-confirm-text"
        onClose={() => {
          if (asked !== null) closeDialog();
        }}
      >
        {asked !== null && (
          <form
            method="dialog"
            onSubmit={(e) => {
              e.preventDefault();
              change(asked);
            }}
          >
            <h2 id="items-confirm-title">
              {format(asked.retired ? s.confirmRestoreTitle : s.confirmRetireTitle, {
                item: asked.item,
              })}
            </h2>
            <p class="staff-dialog__prompt">{asked.prompt}</p>
            <p id="items-confirm-text">{asked.retired ? s.confirmRestore : s.confirmRetire}</p>
            <p role="alert" class="staff-error">
              {askError}
            </p>
            <div class="staff-actions">
              <button type="submit" class="staff-button" disabled={saving}>
                {saving ? s.saving : asked.retired ? s.doRestore : s.doRetire}
              </button>
              <Button secondary onClick={closeDialog}>
                {s.cancel}
              </Button>
            </div>
          </form>
        )}
      </dialog>
    </div>
  );
}

/**
 * Item statistics for trainers (their own cohorts) and the DPO (every cohort, or one): per
 * question how many saw it, facility, guess score, discrimination, options chosen, English and
 * French side by side, the warnings, the CSV, and the DPO's retire and restore with the log.
 */
export default gated(['trainer', 'dpo'], Statistics);
