import { useEffect, useState } from 'preact/hooks';
import { format } from '../../i18n/format.ts';
import { useTypedField } from '../typed-field.ts';
import { api, currentSession, HttpError, type DashboardStrings, type StaffSession } from './api.ts';
import { OwnPassword } from './OwnPassword.tsx';
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

/** The staff sign-in form; on success it goes to the dashboard of the member's role. */
export default function StaffLogin({ lang, t }: Props) {
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const [session, setSession] = useState<StaffSession | null>(null);
  const nameField = useTypedField<HTMLInputElement>(setName);
  const passwordField = useTypedField<HTMLInputElement>(setPassword);
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

  return (
    <form
      class="staff-form"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        if (name.trim() === '' || password === '') {
          setError(t.required);
          nameField.current?.focus();
          return;
        }
        setBusy(true);
        setError('');
        api<StaffSession>('/api/staff/login', { method: 'POST', body: { name, password } }).then(
          (s) => {
            // A password made by an administrator: the holder chooses their own first.
            if (s.mustChangePassword === true) {
              setBusy(false);
              setSession(s);
            } else window.location.assign(home(s.role));
          },
          (e: unknown) => {
            setBusy(false);
            setError(e instanceof HttpError && e.status === 401 ? t.wrongPassword : t.networkError);
          },
        );
      }}
    >
      <p>
        <label for="staff-name">{t.name}</label>
        <input
          id="staff-name"
          ref={nameField}
          name="username"
          autocomplete="username"
          required
          aria-invalid={error !== '' && name.trim() === '' ? 'true' : undefined}
          aria-describedby="staff-login-error"
          value={name}
          onInput={(e) => {
            setName(e.currentTarget.value);
          }}
        />
      </p>
      <p>
        <label for="staff-password">{t.password}</label>
        <input
          id="staff-password"
          ref={passwordField}
          type="password"
          name="password"
          autocomplete="current-password"
          required
          aria-invalid={error !== '' && password === '' ? 'true' : undefined}
          aria-describedby="staff-login-error"
          value={password}
          onInput={(e) => {
            setPassword(e.currentTarget.value);
          }}
        />
      </p>
      <p id="staff-login-error" role="alert" class="staff-error">
        {error}
      </p>
      <button type="submit" class="staff-button" disabled={busy}>
        {busy ? t.signingIn : t.signIn}
      </button>
    </form>
  );
}
