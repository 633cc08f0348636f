import { useEffect, useState } from 'preact/hooks';
import { useTypedField } from '../typed-field.ts';
import type { LiveRoomState } from '../../api/live.ts';
import { loadLearner, sessionHeaders } from '../../client/learner.ts';
import { format } from '../../i18n/format.ts';
import type strings from '../../i18n/en/live.json';
import { RoomChart } from './RoomChart.tsx';
import './live.css';

/** Props of the learner's live-question island. */
export interface Props {
  t: typeof strings;
}

type Sent = 'sending' | 'sent' | 'full' | 'closed' | 'failed';

const TOKEN_KEY = 'cp-live:token';
const SENT_KEY = 'cp-live:answered';

/** This phone's random participant token, made once and kept (answers count once per phone). */
function phoneToken(): string {
  try {
    const kept = localStorage.getItem(TOKEN_KEY);
    if (kept !== null && /^[\w-]{22,64}$/.test(kept)) return kept;
  } catch {
    // Storage off: a token for this page only.
  }
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  const made = btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
  try {
    localStorage.setItem(TOKEN_KEY, made);
  } catch {
    // Kept in memory only.
  }
  return made;
}

/** Choices this phone sent, by live question id (so a reload still shows them). */
function sentChoices(): Record<string, string[]> {
  try {
    return JSON.parse(sessionStorage.getItem(SENT_KEY) ?? '{}') as Record<string, string[]>;
  } catch {
    return {};
  }
}

/**
 * A phone in the room: joins by the room code (from the QR code's URL or typed), follows the
 * room's state over server-sent events, sends one answer per question, and shows the room's
 * answers and, once the trainer reveals it, the right answer and the points for discussion.
 */
export default function LiveRoom({ t }: Props) {
  const [code, setCode] = useState('');
  const [room, setRoom] = useState<string | null>(null);
  const [state, setState] = useState<LiveRoomState | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [picked, setPicked] = useState<string[]>([]);
  const [sent, setSent] = useState<Record<string, Sent>>({});
  const [mine, setMine] = useState<Record<string, string[]>>({});
  const codeField = useTypedField<HTMLInputElement>(setCode);
  const learner = typeof window === 'undefined' ? undefined : loadLearner();

  useEffect(() => {
    const fromUrl = new URLSearchParams(location.search).get('code');
    setMine(sentChoices());
    if (fromUrl !== null && fromUrl.trim() !== '') {
      setCode(fromUrl);
      setRoom(fromUrl.trim());
    }
  }, []);

  useEffect(() => {
    if (room === null) return;
    const source = new EventSource(`/api/live/rooms/${encodeURIComponent(room)}/events`);
    source.addEventListener('state', (e) => {
      setError(null);
      setState(JSON.parse((e as MessageEvent<string>).data) as LiveRoomState);
    });
    source.onerror = () => {
      // EventSource retries by itself; a room that does not exist is told apart by one GET.
      void fetch(`/api/live/rooms/${encodeURIComponent(room)}`).then(
        (res) => {
          if (res.status === 404) {
            source.close();
            setRoom(null);
            setError(t.noRoom);
          } else setError(t.offline);
        },
        () => {
          setError(t.offline);
        },
      );
    };
    return () => {
      source.close();
    };
  }, [room]);

  const q = state?.question ?? null;
  useEffect(() => {
    setPicked([]);
  }, [q?.id]);

  if (room === null || state === null) {
    return (
      <form
        class="live-join"
        onSubmit={(e) => {
          e.preventDefault();
          if (code.trim() !== '') setRoom(code.trim());
        }}
      >
        {error !== null && (
          <p class="live-error" role="alert">
            {error}
          </p>
        )}
        <label for="live-code">{t.codeLabel}</label>
        <input
          id="live-code"
          ref={codeField}
          value={code}
          autocomplete="off"
          autocapitalize="characters"
          spellcheck={false}
          required
          maxLength={40}
          onInput={(e) => {
            setCode(e.currentTarget.value);
          }}
        />
        <button type="submit" class="live-button" disabled={room !== null}>
          {room !== null ? t.joining : t.join}
        </button>
      </form>
    );
  }

  const status = q === null ? undefined : sent[q.id];
  const chosen = q === null ? [] : (mine[q.id] ?? []);
  const done = status === 'sent' || status === 'full' || chosen.length > 0;
  const locked = done || state.revealed !== null || state.closed;
  const right = new Set(state.revealed?.correct ?? []);

  const send = async () => {
    if (q === null || picked.length === 0) return;
    setSent((s) => ({ ...s, [q.id]: 'sending' }));
    let result: Sent = 'failed';
    const post = (asLearner: boolean) =>
      fetch(`/api/live/rooms/${encodeURIComponent(state.cohort)}/answers`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          ...(asLearner && learner !== undefined ? sessionHeaders() : {}),
        },
        // As a learner, the session cookie signs the answer in; as a guest, nothing does.
        credentials: asLearner && learner !== undefined ? 'same-origin' : 'omit',
        body: JSON.stringify({
          question: q.id,
          choice: picked,
          ...(asLearner && learner !== undefined ? {} : { participant: phoneToken() }),
        }),
      });
    try {
      let res = await post(true);
      // A credential this device no longer may use: the answer still counts, as a guest's.
      if (learner !== undefined && (res.status === 401 || res.status === 403))
        res = await post(false);
      const body = (await res.json().catch(() => ({}))) as { code?: string };
      if (res.status === 201) result = 'sent';
      // As many answers as the cohort has seats: this phone's is not counted.
      else if (body.code === 'room_full') result = 'full';
      else if (body.code === 'question_closed') result = 'closed';
    } catch {
      // Network: stays "failed", the phone may send again.
    }
    if (result === 'sent') {
      const next = { ...sentChoices(), [q.id]: picked };
      try {
        sessionStorage.setItem(SENT_KEY, JSON.stringify(next));
      } catch {
        // Not kept across a reload.
      }
      setMine(next);
    }
    setSent((s) => ({ ...s, [q.id]: result }));
  };

  return (
    <div class="live-room" data-testid="live-room">
      <p class="live-meta">
        {format(t.joined, { code: state.cohort })} ·{' '}
        {learner === undefined
          ? t.asGuest
          : format(t.asLearner, { name: learner.actor.name ?? '' })}
      </p>
      {error !== null && (
        <p class="live-error" role="alert">
          {error}
        </p>
      )}
      {q === null || (state.closed && state.revealed === null) ? (
        <p aria-live="polite">{t.waiting}</p>
      ) : (
        <div>
          {q.scenario !== undefined && <p class="live-scenario">{q.scenario}</p>}
          <h2 class="live-prompt">{q.prompt}</h2>
          <p>{q.kind === 'single' ? t.pickOne : t.pickMany}</p>
          <div class="live-options" role="group" aria-label={q.prompt}>
            {q.options.map((o) => {
              const on = locked ? chosen.includes(o.letter) : picked.includes(o.letter);
              return (
                <button
                  key={o.letter}
                  type="button"
                  class={`live-option${on ? ' live-option--on' : ''}${right.has(o.letter) ? ' live-option--right' : ''}`}
                  aria-pressed={on ? 'true' : 'false'}
                  disabled={locked}
                  onClick={() => {
                    setPicked((p) =>
                      q.kind === 'single'
                        ? [o.letter]
                        : p.includes(o.letter)
                          ? p.filter((x) => x !== o.letter)
                          : [...p, o.letter],
                    );
                  }}
                >
                  <span class="live-letter">{o.letter}</span> {o.text}
                  {right.has(o.letter) && <strong class="live-right"> ✓ {t.right}</strong>}
                </button>
              );
            })}
          </div>
          {!locked && (
            <button
              type="button"
              class="live-button"
              disabled={picked.length === 0 || status === 'sending'}
              onClick={() => {
                void send();
              }}
            >
              {status === 'sending' ? t.sending : t.send}
            </button>
          )}
          <p aria-live="polite" class={status === 'failed' ? 'live-error' : 'live-status'}>
            {status === 'failed'
              ? t.failed
              : status === 'full'
                ? t.full
                : status === 'closed'
                  ? t.closed
                  : done && state.revealed === null
                    ? t.sent
                    : ''}
          </p>
          {(done || state.revealed !== null) && (
            <RoomChart
              state={state}
              title={t.roomAnswers}
              counts={t}
              lang={document.documentElement.lang}
            />
          )}
          {state.revealed !== null && (
            <div class="live-reveal" aria-live="polite">
              <p>
                <strong>
                  {t.explanation}
                  {t.colon}{' '}
                </strong>
                {state.revealed.explanation}
              </p>
              {Object.keys(state.revealed.feedback).length > 0 && (
                <>
                  <h3>{t.discussion}</h3>
                  <ul>
                    {q.options
                      .filter((o) => state.revealed?.feedback[o.letter] !== undefined)
                      .map((o) => (
                        <li key={o.letter}>
                          <strong>{o.letter}</strong>
                          {t.colon} {state.revealed?.feedback[o.letter]}
                        </li>
                      ))}
                  </ul>
                </>
              )}
            </div>
          )}
        </div>
      )}
    </div>
  );
}
