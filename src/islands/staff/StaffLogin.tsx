import type { RefObject } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { format } from '../../i18n/format.ts';
import { useTypedField } from '../typed-field.ts';
import { api, currentSession, HttpError, type DashboardStrings, type StaffSession } from './api.ts';
import { OwnPassword } from './OwnPassword.tsx';
import { StaffForm, TextField, useSubmit } from './parts.tsx';
import './staff.css';

/** Props of the staff sign-in island. */
export interface Props {
  lang: 'en' | 'fr';
  t: DashboardStrings;
}

/**
 * The trainer page that sent an anonymous visitor here (`?next=`, set by the service): a path of
 * this site's trainer pages only, never another origin.
 */
function trainerPageAsked(): string | null {
  if (typeof location === 'undefined') return null;
  const next = new URLSearchParams(location.search).get('next');
  return next !== null && /^\/(en|fr)\/trainer\/[\w\-./]*$/.test(next) && !next.includes('..')
    ? next
    : null;
}

/** What tells the name and password fields apart. */
interface Input {
  inputRef: RefObject<HTMLInputElement>;
  onValue: (value: string) => void;
  name: string;
  type?: string;
  autocomplete: string;
}

/** The staff sign-in form; on success it goes to the dashboard of the member's role. */
export default function StaffLogin({ lang, t }: Props) {
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const submit = useSubmit();
  const [session, setSession] = useState<StaffSession | null>(null);
  const nameField = useTypedField<HTMLInputElement>(setName);
  const passwordField = useTypedField<HTMLInputElement>(setPassword);
  const nameInput: Input = {
    inputRef: nameField,
    onValue: setName,
    name: 'username',
    autocomplete: 'username',
  };
  const passwordInput: Input = {
    inputRef: passwordField,
    onValue: setPassword,
    name: 'password',
    type: 'password',
    autocomplete: 'current-password',
  };
  const next = trainerPageAsked();
  const home = (role: StaffSession['role']) => next ?? `/${lang}/staff/${role}/`;

  useEffect(() => {
    currentSession().then(
      (s) => {
        // Already signed in and sent here from a trainer page: straight back to it.
        if (s !== null && next !== null && s.mustChangePassword !== true) {
          window.location.replace(next);
        } else setSession(s);
      },
      () => undefined,
    );
  }, []);

  if (session?.mustChangePassword === true) {
    return (
      <OwnPassword
        t={t}
        session={session}
        onDone={() => {
          window.location.assign(home(session.role));
        }}
      />
    );
  }

  if (session !== null) {
    return (
      <p role="status">
        {format(t.signedInAs, { name: session.name, role: t[`role.${session.role}`] })}{' '}
        <a href={home(session.role)}>
          {{ admin: t.goAdmin, dpo: t.goDpo, trainer: t.goTrainer }[session.role]}
        </a>
      </p>
    );
  }

  const signIn = () => {
    if (name.trim() === '' || password === '') {
      submit.setError(t.required);
      nameField.current?.focus();
      return;
    }
    submit.send(
      () => api<StaffSession>('/api/staff/login', { method: 'POST', body: { name, password } }),
      (s) => {
        // A password made for the account: its holder chooses their own first.
        if (s.mustChangePassword === true) setSession(s);
        else window.location.assign(home(s.role));
      },
      (e) => (e instanceof HttpError && e.status === 401 ? t.wrongPassword : t.networkError),
    );
  };
  // A field of the sign-in form, marked invalid when the form was sent with it empty.
  const field = (id: string, label: string, value: string, empty: boolean, input: Input) => (
    <TextField
      id={id}
      label={label}
      errorId="staff-login-error"
      required
      aria-invalid={submit.error !== '' && empty ? 'true' : undefined}
      value={value}
      {...input}
    />
  );

  return (
    <StaffForm
      submit={submit}
      errorId="staff-login-error"
      action={t.signIn}
      busyAction={t.signingIn}
      onSubmit={signIn}
    >
      {field('staff-name', t.name, name, name.trim() === '', nameInput)}
      {field('staff-password', t.password, password, password === '', passwordInput)}
    </StaffForm>
  );
}
