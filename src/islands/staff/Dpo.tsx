import { useEffect, useRef, useState } from 'preact/hooks';
import { BarChart } from './BarChart.tsx';
import { gated } from './StaffGate.tsx';
import { format } from '../../i18n/format.ts';
import { api, percent, when, type PageProps } from './api.ts';
import type { AccountStrings } from './Admin.tsx';
import { Button, CsvLink, ListOr, Loaded, SelectField, TextField, useLoad } from './parts.tsx';
import { StaffTable } from './StaffTable.tsx';
import { CohortByCode } from './CohortGlance.tsx';
import './staff.css';
import {
  deviceReported as deviceReportedEn,
  deviceReportedShort as deviceReportedShortEn,
} from '../../i18n/en/certification.json';
import {
  deviceReported as deviceReportedFr,
  deviceReportedShort as deviceReportedShortFr,
} from '../../i18n/fr/certification.json';
import type {
  ModuleProgress,
  ReportGroup,
  ReportLearner,
  ReportTotals,
} from '../../api/reports.ts';

/** Props of the DPO dashboard island. */
export interface Props extends PageProps {
  /** The learner list's paging and status strings. */
  a: AccountStrings;
  /** Learner roles and their labels. */
  roles: Record<string, string>;
}

const GROUPS = ['mission', 'country', 'unit', 'role', 'track', 'cohort'] as const;
type Group = (typeof GROUPS)[number];
const TEXT_FILTERS = ['mission', 'country', 'unit', 'cohort'] as const;
const STATUSES = ['certified', 'expired', 'not-certified'] as const;
/** Learners per page of the list; the server pages, so the list works at any size. */
const PAGE_SIZE = 50;

interface Completion {
  groupBy: Group;
  totals: ReportTotals;
  groups: ReportGroup[];
}
interface Detail {
  profile: Record<string, string | null>;
  track: string | null;
  modules: ModuleProgress[];
  attempts: { passed: boolean; scaled: number | null; at: string }[];
  certificates: { code: string; issuedAt: string; expiresAt: string; valid: boolean }[];
}
interface Data {
  completion: Completion;
  byCountry: Completion;
  months: { month: string; certified: number }[];
}
interface LearnerPage {
  total: number;
  learners: ReportLearner[];
}

type Filters = Record<string, string>;

const query = (filters: Filters, extra: Record<string, string> = {}) => {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...filters, ...extra }))
    if (v.trim() !== '') params.set(k, v);
  const s = params.toString();
  return s === '' ? '' : `?${s}`;
};

function Dashboard({ lang, t, a, tracks, roles, modules }: Props) {
  // Module completions and knowledge-check scores come from the learner's own device.
  const reported = lang === 'fr' ? deviceReportedFr : deviceReportedEn;
  const reportedShort = lang === 'fr' ? deviceReportedShortFr : deviceReportedShortEn;
  // Countries are stored as ISO 3166 codes; values from before that were not mapped stay text.
  const regions = new Intl.DisplayNames([lang], { type: 'region' });
  const countryName = (code: string) =>
    /^[A-Z]{2}$/.test(code) ? (regions.of(code) ?? code) : code;
  const [draft, setDraft] = useState<Filters>({});
  const [applied, setApplied] = useState<Filters>({});
  const [groupBy, setGroupBy] = useState<Group>('mission');
  const [detail, setDetail] = useState<Detail | null>(null);
  const [detailFailed, setDetailFailed] = useState(false);
  const detailHeading = useRef<HTMLHeadingElement>(null);
  const opener = useRef<HTMLButtonElement | null>(null);
  const [offset, setOffset] = useState(0);
  const listHeading = useRef<HTMLHeadingElement>(null);

  // The learner list pages on its own, so turning a page reloads only the page.
  const [learners] = useLoad(
    () =>
      api<LearnerPage>(
        `/api/reports/learners${query(applied, { limit: String(PAGE_SIZE), offset: String(offset) })}`,
      ),
    [applied, offset],
  );
  const turn = (to: number) => {
    setOffset(to);
    listHeading.current?.focus();
  };

  const [data] = useLoad(async (): Promise<Data> => {
    const [completion, byCountry, over] = await Promise.all([
      api<Completion>(`/api/reports/completion${query(applied, { groupBy })}`),
      api<Completion>(`/api/reports/completion${query(applied, { groupBy: 'country' })}`),
      api<{ months: Data['months'] }>(`/api/reports/certified-over-time${query(applied)}`),
    ]);
    return { completion, byCountry, months: over.months };
  }, [applied, groupBy]);

  useEffect(() => {
    if (detail !== null) detailHeading.current?.focus();
  }, [detail]);

  const dimension = (g: Group) => t[g];
  const completionCaption =
    typeof data === 'object'
      ? format(t.completionCaption, {
          dimension: dimension(data.completion.groupBy).toLowerCase(),
        })
      : '';
  const keyLabel = (g: Group, key: string) =>
    key === ''
      ? t.none
      : g === 'track'
        ? (tracks[key] ?? key)
        : g === 'role'
          ? (roles[key] ?? key)
          : g === 'country'
            ? countryName(key)
            : key;
  const set = (k: string) => (value: string) => {
    setDraft({ ...draft, [k]: value });
  };
  const field = (k: string, label: string, type = 'text') => (
    <TextField
      id={`f-${k}`}
      label={label}
      name={k}
      type={type}
      value={draft[k] ?? ''}
      onValue={set(k)}
    />
  );
  const select = (k: string, label: string, options: Record<string, string>) => (
    <p>
      <SelectField
        id={`f-${k}`}
        label={label}
        name={k}
        value={draft[k] ?? ''}
        options={[['', t.any], ...Object.entries(options)]}
        onValue={set(k)}
      />
    </p>
  );

  const closeDetail = () => {
    setDetail(null);
    opener.current?.focus();
  };
  const openDetail = (id: string, button: HTMLButtonElement) => {
    opener.current = button;
    setDetailFailed(false);
    api<Detail>(`/api/reports/learners/${encodeURIComponent(id)}`).then(setDetail, () => {
      // The dashboard stays as it was; only the drill-down says it failed.
      setDetailFailed(true);
    });
  };

  return (
    <div>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setApplied({ ...draft });
          setOffset(0);
        }}
      >
        <fieldset class="staff-filters">
          <legend>{t.filters}</legend>
          {TEXT_FILTERS.map((k) => field(k, t[k]))}
          {select('role', t.role, roles)}
          {select(
            'status',
            a.certStatus,
            Object.fromEntries(STATUSES.map((k) => [k, a[`status.${k}`]])),
          )}
          {select('track', t.track, tracks)}
          {field('from', t.from, 'date')}
          {field('to', t.to, 'date')}
          {field('q', t.q, 'search')}
        </fieldset>
        <div class="staff-actions">
          <button type="submit" class="staff-button">
            {t.apply}
          </button>
          <Button
            secondary
            onClick={() => {
              setDraft({});
              setApplied({});
              setOffset(0);
            }}
          >
            {t.reset}
          </Button>
          <CsvLink
            href={`/api/reports/learners.csv${query(applied)}`}
            file="completion.csv"
            hintId="csv-hint"
            text={t.exportCsv}
            hint={t.exportCsvHint}
          />
        </div>
      </form>
      <p class="staff-group-by">
        <SelectField
          id="group-by"
          label={t.groupBy}
          spaced
          value={groupBy}
          options={GROUPS.map((g) => [g, dimension(g)] as const)}
          onValue={(g) => {
            setGroupBy(g as Group);
          }}
        />
      </p>
      <Loaded value={data} t={t} live>
        {(d) => <p data-testid="dpo-summary">{format(t.summary, { ...d.completion.totals })}</p>}
      </Loaded>
      {typeof data === 'object' && (
        <>
          <StaffTable
            region={completionCaption}
            caption={completionCaption}
            columns={[
              dimension(data.completion.groupBy),
              t.enrolled,
              t.started,
              t.completedCol,
              t.certified,
              t.rate,
            ]}
            testId="completion-table"
          >
            {data.completion.groups.length === 0 && (
              <tr>
                <td colSpan={6}>{t.noRows}</td>
              </tr>
            )}
            {data.completion.groups.map((g) => (
              <tr key={g.key}>
                <th scope="row">{keyLabel(data.completion.groupBy, g.key)}</th>
                <td class="num">{g.enrolled}</td>
                <td class="num">{g.started}</td>
                <td class="num">{g.completed}</td>
                <td class="num">{g.certified}</td>
                <td class="num">
                  {percent(g.enrolled === 0 ? 0 : g.certified / g.enrolled, lang)}
                </td>
              </tr>
            ))}
          </StaffTable>
          <div class="staff-charts">
            <BarChart
              id="chart-months"
              title={t.chartOverTime}
              labelHeader={t.month}
              valueHeader={t.certified}
              data={data.months.map((m) => ({ label: m.month, value: m.certified }))}
              t={t}
            />
            <BarChart
              id="chart-countries"
              title={t.chartByCountry}
              labelHeader={t.country}
              valueHeader={t.certified}
              data={data.byCountry.groups.map((g) => ({
                label: g.key === '' ? t.none : countryName(g.key),
                value: g.certified,
              }))}
              t={t}
            />
          </div>
        </>
      )}
      <h2 id="learner-list" tabIndex={-1} ref={listHeading}>
        {t.learnersCaption.replace(/ \(.*\)/, '')}
      </h2>
      <Loaded value={learners} t={t} live>
        {(page) => (
          <p data-testid="learners-range">
            {page.total === 0
              ? a.pageNone
              : format(a.pageOf, {
                  from: offset + 1,
                  to: offset + page.learners.length,
                  total: page.total,
                })}
          </p>
        )}
      </Loaded>
      {typeof learners === 'object' && learners.learners.length > 0 && (
        <>
          <StaffTable
            region={t.learnersCaption.replace(/ \(.*\)/, '')}
            caption={format(t.learnersCaption, {
              shown: learners.learners.length,
              total: learners.total,
            })}
            columns={[
              t.name,
              t.serviceNumber,
              t.mission,
              t.country,
              t.unit,
              t.cohort,
              `${t.modules} (${reportedShort})`,
              t.certificate,
              t.details,
            ]}
            testId="learners-table"
          >
            {learners.learners.map((l) => (
              <tr key={l.learnerId} data-learner-id={l.learnerId}>
                <th scope="row">{l.name}</th>
                <td>{l.serviceNumber}</td>
                <td>{l.mission}</td>
                <td>{countryName(l.country)}</td>
                <td>{l.unit}</td>
                <td>{l.cohort ?? ''}</td>
                <td class="num">{`${String(l.modulesDone)} / ${String(l.modulesRequired)}`}</td>
                <td>{l.certificateCode ?? t.no}</td>
                <td>
                  <Button
                    secondary
                    label={format(t.detailsFor, { name: l.name })}
                    onClick={(e) => {
                      openDetail(l.learnerId, e.currentTarget);
                    }}
                  >
                    {t.details}
                  </Button>
                </td>
              </tr>
            ))}
          </StaffTable>
          <nav class="staff-actions" aria-label={a.pagingLabel}>
            <Button
              secondary
              disabled={offset === 0}
              onClick={() => {
                turn(Math.max(0, offset - PAGE_SIZE));
              }}
            >
              {a.previousPage}
            </Button>
            <Button
              secondary
              disabled={offset + PAGE_SIZE >= learners.total}
              onClick={() => {
                turn(offset + PAGE_SIZE);
              }}
            >
              {a.nextPage}
            </Button>
          </nav>
        </>
      )}
      <div role="alert">{detailFailed && <p>{t.loadFailed}</p>}</div>
      {detail !== null && (
        <section class="staff-panel" aria-labelledby="learner-detail" data-testid="learner-detail">
          <h2 id="learner-detail" tabIndex={-1} ref={detailHeading}>
            {format(t.learnerTitle, { name: detail.profile.name ?? '' })}
          </h2>
          <dl>
            {(['serviceNumber', 'mission', 'country', 'unit', 'cohort'] as const).map((k) => (
              <div key={k}>
                <dt>{t[k]}</dt>
                <dd>
                  {k === 'country'
                    ? countryName(detail.profile[k] ?? '')
                    : (detail.profile[k] ?? '')}
                </dd>
              </div>
            ))}
            <dt>{t.track}</dt>
            <dd>{detail.track === null ? '' : (tracks[detail.track] ?? detail.track)}</dd>
          </dl>
          <StaffTable
            region={t.modules}
            caption={t.modules}
            columns={[t.module, `${t.status} (${reportedShort})`, `${t.score} (${reportedShort})`]}
          >
            {detail.modules.map((m) => (
              <tr key={m.module}>
                <th scope="row">{modules[m.module] ?? m.module}</th>
                <td>
                  {m.completedAt === null ? t.notDone : `${t.done} (${when(m.completedAt, lang)})`}
                </td>
                <td>{m.score === null ? '' : percent(m.score, lang)}</td>
              </tr>
            ))}
          </StaffTable>
          <p class="staff-note" data-testid="device-reported">
            {reported}
          </p>
          <h3>{t.attempts}</h3>
          <ListOr items={detail.attempts} empty={<p>{t.noAttempts}</p>}>
            {(at) => (
              <li key={at.at}>
                {`${when(at.at, lang)}: ${at.scaled === null ? '' : percent(at.scaled, lang)} (${at.passed ? t.attemptPassed : t.attemptFailed})`}
              </li>
            )}
          </ListOr>
          <h3>{t.certificates}</h3>
          <ListOr items={detail.certificates} empty={<p>{t.noCertificate}</p>}>
            {(c) => (
              <li key={c.code}>
                <span class="staff-mono">{c.code}</span> ({c.valid ? t.valid : t.expiredWord},{' '}
                {when(c.issuedAt, lang)}){' '}
                <a href={`/${lang}/verify/?code=${encodeURIComponent(c.code)}`}>{t.verifyLink}</a>
              </li>
            )}
          </ListOr>
          <Button secondary onClick={closeDetail}>
            {t.closeDetails}
          </Button>
        </section>
      )}
      <CohortByCode lang={lang} t={t} a={a} modules={modules} />
    </div>
  );
}

/** The DPO completion dashboard: filters, grouped table, charts, learners, drill-down and CSV. */
export default gated('dpo', Dashboard);
