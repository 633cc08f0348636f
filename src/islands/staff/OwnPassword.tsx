import { useEffect, useRef, useState } from 'preact/hooks';
import { api, HttpError, type DashboardStrings, type StaffSession } from './api.ts';
import { StaffForm, TextField, useSubmit } from './parts.tsx';

/** Props of the form in which a member of staff replaces a password made for them. */
export interface OwnPasswordProps {
  t: DashboardStrings;
  session: StaffSession;
  /** Called once the new password is saved. */
  onDone: () => void;
}

// What the service's refusal means for the person at the form.
function refusal(t: DashboardStrings, error: unknown): string {
  if (!(error instanceof HttpError)) return t.networkError;
  const code = (error.body as { code?: unknown } | undefined)?.code;
  if (code === 'wrong_password') return t.wrongCurrent;
  if (code === 'same_password') return t.samePassword;
  if (code === 'weak_password') return t.weakPassword;
  if (error.status === 429) return t.tooManyTries;
  return t.networkError;
}

/**
 * Choose your own password: the one given, then the new one twice. The service refuses every
 * other staff call from this session until it is done; the same rules are checked here first so
 * a slip is named before the round trip.
 */
export function OwnPassword({ t, session, onDone }: OwnPasswordProps) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const submit = useSubmit();
  // The form replaces the sign-in form: the keyboard starts in its first field.
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => {
    first.current?.focus();
  }, []);
  const field = (id: string, label: string, value: string, onValue: (v: string) => void) => (
    <TextField
      id={id}
      label={label}
      errorId="own-password-error"
      type="password"
      required
      autocomplete={id === 'own-current' ? 'current-password' : 'new-password'}
      inputRef={id === 'own-current' ? first : undefined}
      value={value}
      onValue={onValue}
    />
  );
  const save = () => {
    const slip =
      current === '' || next === '' || again === ''
        ? t.required
        : next !== again
          ? t.passwordsDiffer
          : next.length < 12
            ? t.weakPassword
            : '';
    if (slip !== '') {
      submit.setError(slip);
      return;
    }
    submit.send(
      () =>
        api('/api/staff/password', {
          method: 'POST',
          csrf: session.csrfToken,
          body: { current, password: next },
        }),
      onDone,
      (e) => refusal(t, e),
    );
  };
  return (
    <section class="staff-panel" aria-labelledby="own-password-title">
      <h2 id="own-password-title">{t.ownPasswordTitle}</h2>
      <p>{t.ownPasswordIntro}</p>
      <StaffForm
        submit={submit}
        errorId="own-password-error"
        action={t.savePassword}
        busyAction={t.savingPassword}
        onSubmit={save}
      >
        {field('own-current', t.currentPassword, current, setCurrent)}
        {field('own-new', t.newPassword, next, setNext)}
        {field('own-again', t.repeatPassword, again, setAgain)}
      </StaffForm>
    </section>
  );
}
