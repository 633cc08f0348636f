import type { ComponentChildren, VNode } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { format } from '../../i18n/format.ts';
import { api, currentSession, type DashboardStrings, type StaffSession } from './api.ts';
import { OwnPassword } from './OwnPassword.tsx';

/** Props of the gate that every staff page sits behind. */
export interface GateProps {
  lang: 'en' | 'fr';
  t: DashboardStrings;
  /** The role, or roles, the page is for. */
  role: StaffSession['role'] | readonly StaffSession['role'][];
  children: (session: StaffSession) => ComponentChildren;
}

/**
 * Shows its content only to a signed-in member of staff with the role; others get a link to the
 * sign-in page. The API enforces the same rule: this only spares a page of errors.
 */
export function StaffGate({ lang, t, role, children }: GateProps) {
  const [state, setState] = useState<StaffSession | 'loading' | 'none' | 'failed'>('loading');
  useEffect(() => {
    currentSession().then(
      (s) => {
        setState(s ?? 'none');
      },
      () => {
        setState('failed');
      },
    );
  }, []);
  if (state === 'loading') return <p role="status">{t.loading}</p>;
  if (state === 'failed') return <p role="alert">{t.networkError}</p>;
  const login = (
    <p>
      <a href={`/${lang}/staff/login/`}>{t.signInLink}</a>
    </p>
  );
  if (state === 'none') {
    return (
      <div role="status">
        <p>{t.needSignIn}</p>
        {login}
      </div>
    );
  }
  return (
    <div>
      <p class="staff-bar">
        {format(t.signedInAs, { name: state.name, role: t[`role.${state.role}`] })}{' '}
        <button
          type="button"
          class="staff-button staff-button--secondary"
          onClick={() => {
            void api('/api/staff/logout', { method: 'POST', csrf: state.csrfToken })
              .catch(() => undefined)
              .then(() => {
                window.location.assign(`/${lang}/staff/login/`);
              });
          }}
        >
          {t.signOut}
        </button>
      </p>
      {state.mustChangePassword === true ? (
        <OwnPassword
          t={t}
          session={state}
          onDone={() => {
            setState({ ...state, mustChangePassword: false });
          }}
        />
      ) : (typeof role === 'string' ? [role] : role).includes(state.role) ? (
        children(state)
      ) : (
        <div role="status">
          <p>{t.wrongRole}</p>
          {login}
        </div>
      )}
    </div>
  );
}

/**
 * A staff page's island: `Page` behind the gate for `role`, given the page's props and the
 * session.
 */
export function gated<P extends { lang: 'en' | 'fr'; t: DashboardStrings }>(
  role: GateProps['role'],
  Page: (props: P & { session: StaffSession }) => VNode,
) {
  return function Gated(props: P) {
    return (
      <StaffGate lang={props.lang} t={props.t} role={role}>
        {(session) => <Page {...props} session={session} />}
      </StaffGate>
    );
  };
}
