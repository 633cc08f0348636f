import { useEffect, useRef, useState } from 'preact/hooks';
import { format } from '../../i18n/format.ts';
import type accountStrings from '../../i18n/en/accounts.json';
import { gated } from './StaffGate.tsx';
import { api, HttpError, when, type DashboardStrings, type StaffSession } from './api.ts';
import { Button, Loaded, NameForm, OneTimeValue, useLoad, useSubmit } from './parts.tsx';
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
  const [role, setRole] = useState<Role>('trainer');
  const submit = useSubmit();
  // The one-time password just made, until the administrator hides it.
  const [secret, setSecret] = useState<{ name: string; password: string } | null>(null);
  const [notice, setNotice] = useState('');
  const nameField = useRef<HTMLInputElement>(null);
  const secretBox = useRef<HTMLDivElement>(null);
  const csrf = session.csrfToken;

  const [loaded, reload] = useLoad(
    () =>
      Promise.all([
        api<{ accounts: Account[] }>('/api/staff/accounts'),
        api<{ entries: AuditEntry[] }>('/api/staff/audit?limit=100'),
      ]),
    [],
  );
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

  const create = (trimmed: string, made: () => void) => {
    setSecret(null);
    setNotice('');
    submit.send(
      () =>
        api<{ name: string; password: string }>('/api/staff/accounts', {
          method: 'POST',
          body: { name: trimmed, role },
          csrf,
        }),
      (account) => {
        made();
        setSecret({ name: account.name, password: account.password });
        reload();
      },
      (err) => reason(err, a),
    );
  };

  const roleOptions = ROLES.map((r) => [r, a[`role.${r}`]] as const);

  return (
    <div>
      <section aria-labelledby="new-account">
        <h2 id="new-account">{a.newAccount}</h2>
        <NameForm
          submit={submit}
          id="account"
          text={a}
          nameRef={nameField}
          invalid={(error) => error !== ''}
          autocomplete="off"
          kind={{ id: 'account-role', label: a.accountRole, value: role, options: roleOptions }}
          onKind={(r) => {
            setRole(r as Role);
          }}
          onSubmit={create}
        />
      </section>
      <div role="status">
        {notice !== '' && <p>{notice}</p>}
        {secret !== null && (
          <OneTimeValue
            lead={format(a.passwordFor, { name: secret.name })}
            value={secret.password}
            how={a.passwordOnce}
            boxRef={secretBox}
            testId="one-time-password"
          >
            <Button
              secondary
              onClick={() => {
                setSecret(null);
                nameField.current?.focus();
              }}
            >
              {a.hidePassword}
            </Button>
          </OneTimeValue>
        )}
      </div>
      <h2 id="accounts">{a.accounts}</h2>
      <Loaded value={loaded} t={a}>
        {([{ accounts }]) => (
          <StaffTable
            region={a.accounts}
            caption={a.accounts}
            columns={[a.accountName, a.accountRole, a.status, a.created, a.actions]}
            testId="accounts-table"
          >
            {accounts.map((account) => (
              <AccountRow
                key={account.id}
                account={account}
                own={account.name === session.name}
                lang={lang}
                a={a}
                act={act}
              />
            ))}
          </StaffTable>
        )}
      </Loaded>
      <h2 id="audit">{a.audit}</h2>
      {typeof loaded !== 'object' || loaded[1].entries.length === 0 ? (
        <p>{a.noAudit}</p>
      ) : (
        <StaffTable
          region={a.audit}
          caption={a.auditCaption}
          columns={[a.auditWhen, a.auditWho, a.auditAction, a.auditAccount]}
          testId="audit-table"
        >
          {loaded[1].entries.map((entry) => (
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

/** An account's row: its name, role, status, and the changes an administrator may make. */
function AccountRow(props: {
  account: Account;
  own: boolean;
  lang: string;
  a: AccountStrings;
  act: (account: Account, action: 'disable' | 'enable' | 'reset') => void;
}) {
  const { account, own, lang, a, act } = props;
  return (
    <tr data-account={account.name}>
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
              <Button
                secondary
                label={format(a.resetFor, { name: account.name })}
                onClick={() => {
                  act(account, 'reset');
                }}
              >
                {a.reset}
              </Button>
            )}
            <Button
              secondary
              label={format(account.disabled ? a.enableFor : a.disableFor, { name: account.name })}
              onClick={() => {
                act(account, account.disabled ? 'enable' : 'disable');
              }}
            >
              {account.disabled ? a.enable : a.disable}
            </Button>
          </span>
        )}
      </td>
    </tr>
  );
}

/** The administrators' page: create, reset, disable and enable staff accounts; read the audit. */
export default gated('admin', Accounts);
