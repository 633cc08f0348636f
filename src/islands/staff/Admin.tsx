import { useEffect, useRef, useState } from 'preact/hooks';
import { format } from '../../i18n/format.ts';
import type accountStrings from '../../i18n/en/accounts.json';
import { StaffGate } from './StaffGate.tsx';
import { api, HttpError, when, type DashboardStrings, type StaffSession } from './api.ts';
import { StaffTable } from './StaffTable.tsx';
import './staff.css';

/** The account page's UI strings. */
export type AccountStrings = typeof accountStrings;

/** Props of the staff accounts island. */
export interface Props {
  lang: 'en' | 'fr';
  /** The dashboard's strings (sign-in gate, loading). */
  t: DashboardStrings;
  a: AccountStrings;
}

type Role = StaffSession['role'];
const ROLES: readonly Role[] = ['trainer', 'dpo', 'admin'];

interface Account {
  id: string;
  name: string;
  role: Role;
  disabled: boolean;
  createdAt: string;
  disabledAt: string | null;
}
interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  action: 'create' | 'disable' | 'enable' | 'reset' | 'password';
  target: string;
  targetRole: Role;
}

// The message for a refused change, from the API's error code.
function reason(error: unknown, a: AccountStrings): string {
  if (error instanceof HttpError && error.status === 409) {
    const code = (error.body as { code?: string } | undefined)?.code;
    if (code === 'own_account') return a.ownAccount;
    if (code === 'last_admin') return a.lastAdmin;
    if (code === 'admin_account') return a.adminAccount;
    if (code === 'name_taken') return a.nameTaken;
  }
  return a.failed;
}

function Accounts({ lang, a, session }: Props & { session: StaffSession }) {
  const [accounts, setAccounts] = useState<Account[] | 'loading' | 'failed'>('loading');
  const [audit, setAudit] = useState<AuditEntry[]>([]);
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('trainer');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  // The one-time password just made, until the administrator hides it.
  const [secret, setSecret] = useState<{ name: string; password: string } | null>(null);
  const [notice, setNotice] = useState('');
  const nameField = useRef<HTMLInputElement>(null);
  const secretBox = useRef<HTMLDivElement>(null);
  const csrf = session.csrfToken;

  const reload = () => {
    Promise.all([
      api<{ accounts: Account[] }>('/api/staff/accounts'),
      api<{ entries: AuditEntry[] }>('/api/staff/audit?limit=100'),
    ]).then(
      ([list, log]) => {
        setAccounts(list.accounts);
        setAudit(log.entries);
      },
      () => {
        setAccounts('failed');
      },
    );
  };
  useEffect(reload, []);
  useEffect(() => {
    if (secret !== null) secretBox.current?.focus();
  }, [secret]);

  const act = (account: Account, action: 'disable' | 'enable' | 'reset') => {
    const ask =
      action === 'reset' ? a.confirmReset : action === 'disable' ? a.confirmDisable : null;
    if (ask !== null && !window.confirm(format(ask, { name: account.name }))) return;
    setNotice('');
    setSecret(null);
    api<{ password?: string }>(`/api/staff/accounts/${encodeURIComponent(account.id)}/${action}`, {
      method: 'POST',
      csrf,
    }).then(
      (result) => {
        if (result.password !== undefined) {
          setSecret({ name: account.name, password: result.password });
        } else {
          setNotice(format(a[`done.${action as 'disable' | 'enable'}`], { name: account.name }));
        }
        reload();
      },
      (e: unknown) => {
        setNotice(reason(e, a));
      },
    );
  };

  return (
    <div>
      <section aria-labelledby="new-account">
        <h2 id="new-account">{a.newAccount}</h2>
        <form
          class="staff-form"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            if (name.trim() === '') {
              setError(a.nameRequired);
              nameField.current?.focus();
              return;
            }
            setBusy(true);
            setError('');
            setSecret(null);
            setNotice('');
            api<{ name: string; password: string }>('/api/staff/accounts', {
              method: 'POST',
              body: { name: name.trim(), role },
              csrf,
            }).then(
              (made) => {
                setBusy(false);
                setName('');
                setSecret({ name: made.name, password: made.password });
                reload();
              },
              (err: unknown) => {
                setBusy(false);
                setError(reason(err, a));
              },
            );
          }}
        >
          <p>
            <label for="account-name">{a.accountName}</label>
            <span id="account-name-hint" class="staff-hint">
              {a.accountNameHint}
            </span>
            <input
              id="account-name"
              ref={nameField}
              maxLength={80}
              required
              autocomplete="off"
              aria-describedby="account-name-hint account-error"
              aria-invalid={error === '' ? undefined : 'true'}
              value={name}
              onInput={(e) => {
                setName(e.currentTarget.value);
              }}
            />
          </p>
          <p>
            <label for="account-role">{a.accountRole}</label>
            <select
              id="account-role"
              value={role}
              onChange={(e) => {
                setRole(e.currentTarget.value as Role);
              }}
            >
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {a[`role.${r}`]}
                </option>
              ))}
            </select>
          </p>
          <p id="account-error" role="alert" class="staff-error">
            {error}
          </p>
          <button type="submit" class="staff-button" disabled={busy}>
            {busy ? a.creating : a.create}
          </button>
        </form>
      </section>
      <div role="status">
        {notice !== '' && <p>{notice}</p>}
        {secret !== null && (
          <div class="staff-signin" tabIndex={-1} ref={secretBox} data-testid="one-time-password">
            <p>{format(a.passwordFor, { name: secret.name })}</p>
            <p class="staff-signin__value staff-mono">{secret.password}</p>
            <p>{a.passwordOnce}</p>
            <button
              type="button"
              class="staff-button staff-button--secondary"
              onClick={() => {
                setSecret(null);
                nameField.current?.focus();
              }}
            >
              {a.hidePassword}
            </button>
          </div>
        )}
      </div>
      <h2 id="accounts">{a.accounts}</h2>
      {accounts === 'loading' ? (
        <p>{a.loading}</p>
      ) : accounts === 'failed' ? (
        <p role="alert">{a.loadFailed}</p>
      ) : (
        <StaffTable
          region={a.accounts}
          caption={a.accounts}
          columns={[a.accountName, a.accountRole, a.status, a.created, a.actions]}
          testId="accounts-table"
        >
          {accounts.map((account) => {
            const own = account.name === session.name;
            return (
              <tr key={account.id} data-account={account.name}>
                <th scope="row">
                  {account.name} {own && a.you}
                </th>
                <td>{a[`role.${account.role}`]}</td>
                <td>
                  {account.disabled
                    ? format(a.disabledSince, { when: when(account.disabledAt, lang) })
                    : a.active}
                </td>
                <td>{when(account.createdAt, lang)}</td>
                <td>
                  {!own && (
                    <span class="staff-actions staff-actions--tight">
                      {account.role !== 'admin' && (
                        <button
                          type="button"
                          class="staff-button staff-button--secondary"
                          aria-label={format(a.resetFor, { name: account.name })}
                          onClick={() => {
                            act(account, 'reset');
                          }}
                        >
                          {a.reset}
                        </button>
                      )}
                      <button
                        type="button"
                        class="staff-button staff-button--secondary"
                        aria-label={format(account.disabled ? a.enableFor : a.disableFor, {
                          name: account.name,
                        })}
                        onClick={() => {
                          act(account, account.disabled ? 'enable' : 'disable');
                        }}
                      >
                        {account.disabled ? a.enable : a.disable}
                      </button>
                    </span>
                  )}
                </td>
              </tr>
            );
          })}
        </StaffTable>
      )}
      <h2 id="audit">{a.audit}</h2>
      {audit.length === 0 ? (
        <p>{a.noAudit}</p>
      ) : (
        <StaffTable
          region={a.audit}
          caption={a.auditCaption}
          columns={[a.auditWhen, a.auditWho, a.auditAction, a.auditAccount]}
          testId="audit-table"
        >
          {audit.map((entry) => (
            <tr key={entry.id}>
              <td>{when(entry.at, lang)}</td>
              <td>{entry.actor}</td>
              <td>{a[`action.${entry.action}`]}</td>
              <td>{`${entry.target} (${a[`role.${entry.targetRole}`]})`}</td>
            </tr>
          ))}
        </StaffTable>
      )}
    </div>
  );
}

/** The administrators' page: create, reset, disable and enable staff accounts; read the audit. */
export default function Admin(props: Props) {
  return (
    <StaffGate lang={props.lang} t={props.t} role="admin">
      {(session) => <Accounts {...props} session={session} />}
    </StaffGate>
  );
}
