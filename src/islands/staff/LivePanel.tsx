import { useEffect, useState } from 'preact/hooks';
import type { LiveJoin, LiveRoomState } from '../../api/live.ts';
import { format } from '../../i18n/format.ts';
import en from '../../i18n/en/live.json';
import fr from '../../i18n/fr/live.json';
import type { Question } from '../../schemas/quiz.ts';
import { RoomChart } from '../live/RoomChart.tsx';
import '../live/live.css';
import { api, currentSession, HttpError } from './api.ts';
import { Button, SelectField } from './parts.tsx';

/** Props of the live panel under a projected question. */
export interface LivePanelProps {
  moduleId: string;
  question: Question;
  /**
   * Told the options' texts in the order the room's phones letter them while the question is
   * live (null when it is not), so the projected question shows the same letters as the chart.
   */
  onOrder?: (texts: readonly string[] | null) => void;
  /**
   * Told when the answer is revealed to the room, so the projected question shows it too (its
   * explanation and its right options, beside the room's feedback per letter).
   */
  onRevealed?: () => void;
}

const LIVE_TYPES = new Set(['single-choice', 'multiple-response', 'true-false', 'scenario']);

interface Cohort {
  code: string;
  name: string;
}

/**
 * The join address to show. Under a loopback SITE_URL (left at its default, which names the
 * course's activities and learner accounts as the built pages do, whatever PORT is) no phone can
 * reach it, and its port may not be the service's: the address this page came from is the one
 * that reaches the service.
 */
function joinAddress(join: LiveJoin, lang: string): string {
  if (join.loopback && typeof location !== 'undefined') return `${location.origin}/${lang}/live/`;
  return join.url.split('?')[0] ?? '';
}

/**
 * Asks the projected question to a cohort's room: the join code, URL and QR code for phones, the
 * number of answers and the room's chart as they arrive (server-sent events), then the trainer's
 * reveal and close. Moving to the next question in classroom mode asks it too while live.
 */
export function LivePanel({ moduleId, question, onOrder, onRevealed }: LivePanelProps) {
  const lang = typeof document === 'undefined' ? 'en' : document.documentElement.lang;
  const t = lang === 'fr' ? fr : en;
  const [csrf, setCsrf] = useState<string | null>(null);
  const [cohorts, setCohorts] = useState<Cohort[] | null>(null);
  const [signedOut, setSignedOut] = useState(false);
  const [cohort, setCohort] = useState('');
  const [active, setActive] = useState(false);
  const [liveId, setLiveId] = useState<string | null>(null);
  const [join, setJoin] = useState<LiveJoin | null>(null);
  const [state, setState] = useState<LiveRoomState | null>(null);
  const [failed, setFailed] = useState(false);
  // The room's events stopped coming (network down): the chart may be behind until they resume.
  const [offline, setOffline] = useState(false);
  const askable = LIVE_TYPES.has(question.type);

  useEffect(() => {
    void (async () => {
      try {
        const session = await currentSession();
        if (session?.role !== 'trainer') {
          setSignedOut(true);
          return;
        }
        setCsrf(session.csrfToken);
        const list = await api<Cohort[]>('/api/cohorts');
        setCohorts(list);
        setCohort((c) => (c === '' ? (list[0]?.code ?? '') : c));
      } catch {
        setSignedOut(true);
      }
    })();
  }, []);

  const start = async () => {
    if (csrf === null || cohort === '') return;
    setFailed(false);
    try {
      const res = await api<{ id: string; join: LiveJoin; state: LiveRoomState }>(
        `/api/live/rooms/${encodeURIComponent(cohort)}/questions`,
        { method: 'POST', csrf, body: { module: moduleId, question: question.id, lang } },
      );
      setLiveId(res.id);
      setJoin(res.join);
      setState(res.state);
      setActive(true);
    } catch (error) {
      if (error instanceof HttpError && error.status === 401) setSignedOut(true);
      setFailed(true);
    }
  };

  const act = async (action: 'reveal' | 'close') => {
    if (csrf === null || liveId === null) return;
    try {
      setState(
        await api<LiveRoomState>(
          `/api/live/rooms/${encodeURIComponent(cohort)}/questions/${liveId}/${action}`,
          { method: 'POST', csrf, body: {} },
        ),
      );
    } catch {
      setFailed(true);
    }
  };

  const reveal = () => {
    void act('reveal');
  };
  const close = () => {
    void act('close');
  };

  // The next question in classroom mode is asked at once while the room is live.
  useEffect(() => {
    setLiveId(null);
    setState(null);
    if (active && askable) void start();
  }, [question.id, moduleId]);

  // The room's state as it changes.
  useEffect(() => {
    if (!active || cohort === '') return;
    const source = new EventSource(`/api/live/rooms/${encodeURIComponent(cohort)}/events`);
    source.addEventListener('state', (e) => {
      setOffline(false);
      const next = JSON.parse((e as MessageEvent<string>).data) as LiveRoomState;
      setState((current) =>
        current === null || next.question?.id === current.question?.id ? next : current,
      );
    });
    // EventSource retries by itself; the service sends the room's state again on reconnecting.
    source.onerror = () => {
      setOffline(true);
    };
    return () => {
      source.close();
      setOffline(false);
    };
  }, [active, cohort]);

  const shown = state !== null && liveId !== null && state.question?.id === liveId;
  const shownQuestion = shown ? state.question : null;
  const order = shownQuestion?.options.map((o) => o.text).join('\n') ?? null;
  useEffect(() => {
    onOrder?.(order === null ? null : order.split('\n'));
  }, [order]);

  const revealedHere = shown && state.revealed !== null;
  useEffect(() => {
    if (revealedHere) onRevealed?.();
  }, [revealedHere]);

  if (signedOut) return <p class="live-panel">{t.trainerSignIn}</p>;
  if (!askable) return <p class="live-panel">{t.trainerNotLive}</p>;
  if (cohorts === null) return null;
  if (cohorts.length === 0) return <p class="live-panel">{t.trainerNoCohort}</p>;

  return (
    <div class="live-panel" data-testid="live-panel">
      {!active || liveId === null ? (
        <div class="staff-actions live-panel__ask">
          <SelectField
            id="live-cohort"
            label={t.trainerCohort}
            value={cohort}
            options={cohorts.map((c) => [c.code, `${c.name} (${c.code})`] as const)}
            onValue={setCohort}
          />
          <Button
            onClick={() => {
              void start();
            }}
          >
            {t.trainerStart}
          </Button>
        </div>
      ) : (
        <>
          {/* Once the answer is out, the join block steps back for the answer's feedback. */}
          {join !== null && (
            <div class={`live-panel__join${revealedHere ? ' live-panel__join--small' : ''}`}>
              {!join.loopback && (
                <img
                  class="live-panel__qr"
                  src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(join.qrSvg)}`}
                  alt={t.trainerQr}
                />
              )}
              <p class="live-panel__code" data-testid="live-code">
                {cohort}
              </p>
              <p class="live-panel__how">
                {format(join.loopback ? t.trainerJoinAddress : t.trainerJoin, {
                  url: joinAddress(join, lang),
                  code: cohort,
                })}
              </p>
              {join.loopback && (
                <p class="live-error" role="alert">
                  {t.trainerLoopback}
                </p>
              )}
            </div>
          )}
          {offline && (
            <p class="live-error" role="status" data-testid="live-offline">
              {t.trainerOffline}
            </p>
          )}
          {shown && <RoomChart state={state} title={question.prompt} counts={t} lang={lang} big />}
          {revealedHere && (
            // The question beside it shows the explanation and the options' texts once revealed:
            // here, each letter's feedback, the points for discussion.
            <div class="live-reveal">
              <p>
                <strong>{t.discussion}</strong>
              </p>
              <ul>
                {state.question?.options.map((o) => (
                  <li key={o.letter}>
                    <strong>
                      {o.letter}
                      {state.revealed?.correct.includes(o.letter) ? ` ✓ ${t.right}` : ''}
                    </strong>
                    {state.revealed?.feedback[o.letter] !== undefined &&
                      `${t.colon} ${state.revealed.feedback[o.letter] ?? ''}`}
                  </li>
                ))}
              </ul>
            </div>
          )}
          <div class="staff-actions">
            <Button disabled={!shown || revealedHere} onClick={reveal}>
              {t.trainerReveal}
            </Button>
            <Button secondary disabled={!shown || state.closed} onClick={close}>
              {t.trainerClose}
            </Button>
            <Button
              secondary
              onClick={() => {
                close();
                setActive(false);
                setLiveId(null);
              }}
            >
              {t.trainerEnd}
            </Button>
          </div>
        </>
      )}
      {failed && (
        <p class="live-error" role="alert">
          {t.trainerStartFailed}
        </p>
      )}
    </div>
  );
}
