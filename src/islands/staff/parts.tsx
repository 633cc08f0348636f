// The parts the staff dashboards are made of: buttons, labelled fields, forms that send, values
// that load, so that each island says what it shows and not how. Staff pages only: the learner
// islands import none of it.
import type { ComponentChildren, InputHTMLAttributes, Ref, RefObject } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';

/** Props of a dashboard button that acts on the page (not a form's submit). */
interface ButtonProps {
  onClick: (event: MouseEvent & { currentTarget: HTMLButtonElement }) => void;
  /** The quieter look, for every action but a panel's main one. */
  secondary?: boolean;
  /** Names the button for a screen reader when its text alone is not enough ("Open cohort X"). */
  label?: string | undefined;
  pressed?: boolean | undefined;
  disabled?: boolean | undefined;
  id?: string | undefined;
  /** More classes, after the button's own. */
  extraClass?: string | undefined;
  children: ComponentChildren;
}

/** A staff dashboard's button: `staff-button`, secondary or not, with its accessible name. */
export function Button({
  onClick,
  secondary,
  label,
  pressed,
  disabled,
  id,
  extraClass,
  children,
}: ButtonProps) {
  const classes = [
    'staff-button',
    secondary === true ? 'staff-button--secondary' : '',
    extraClass ?? '',
  ];
  return (
    <button
      type="button"
      id={id}
      class={classes.filter((c) => c !== '').join(' ')}
      aria-label={label}
      aria-pressed={pressed === undefined ? undefined : pressed ? 'true' : 'false'}
      disabled={disabled}
      onClick={onClick}
    >
      {children}
    </button>
  );
}

type InputAttributes = Omit<
  InputHTMLAttributes,
  'id' | 'value' | 'onInput' | 'ref' | 'aria-describedby'
>;

/** Props of a labelled text field. */
interface TextFieldProps extends InputAttributes {
  id: string;
  label: ComponentChildren;
  /** A line under the label, read with the field (id `${id}-hint`). */
  hint?: ComponentChildren;
  /** The id of the form's error line, read with the field too. */
  errorId?: string | undefined;
  value: string;
  onValue: (value: string) => void;
  inputRef?: Ref<HTMLInputElement> | undefined;
}

/**
 * A staff form's text field in its paragraph: the label, an optional hint, the input described by
 * the hint and the form's error line.
 */
export function TextField({
  id,
  label,
  hint,
  errorId,
  value,
  onValue,
  inputRef,
  ...attributes
}: TextFieldProps) {
  const hintId = hint === undefined ? undefined : `${id}-hint`;
  const describedBy = [hintId, errorId].filter((x) => x !== undefined).join(' ');
  return (
    <p>
      <label for={id}>{label}</label>
      {hint !== undefined && (
        <span id={hintId} class="staff-hint">
          {hint}
        </span>
      )}
      <input
        {...attributes}
        id={id}
        ref={inputRef ?? null}
        aria-describedby={describedBy === '' ? undefined : describedBy}
        value={value}
        onInput={(e) => {
          onValue(e.currentTarget.value);
        }}
      />
    </p>
  );
}

/** Props of a labelled list to choose from. */
interface SelectFieldProps {
  id: string;
  label: ComponentChildren;
  value: string;
  /** The choices: [value, text] in order. */
  options: readonly (readonly [string, string])[];
  onValue: (value: string) => void;
  name?: string | undefined;
  selectRef?: Ref<HTMLSelectElement> | undefined;
  /** A space between the label and the list, where they stand in a line of text. */
  spaced?: boolean;
}

/** A label and its list (no paragraph: the caller places them). */
export function SelectField(props: SelectFieldProps) {
  const { id, label, value, options, onValue, name, selectRef, spaced } = props;
  return (
    <>
      <label for={id}>{label}</label>
      {spaced === true && ' '}
      <select
        id={id}
        name={name}
        ref={selectRef ?? null}
        value={value}
        onChange={(e) => {
          onValue(e.currentTarget.value);
        }}
      >
        {options.map(([v, text]) => (
          <option key={v} value={v}>
            {text}
          </option>
        ))}
      </select>
    </>
  );
}

/** A checkbox with its label around it. */
export function Checkbox(props: {
  checked: boolean;
  onValue: (on: boolean) => void;
  label: string;
}) {
  return (
    <label>
      <input
        type="checkbox"
        checked={props.checked}
        onChange={(e) => {
          props.onValue(e.currentTarget.checked);
        }}
      />{' '}
      {props.label}
    </label>
  );
}

/** A form's error line: always there (so a screen reader hears what appears), empty when all is well. */
export function ErrorLine({ id, children }: { id?: string; children: ComponentChildren }) {
  return (
    <p id={id} role="alert" class="staff-error">
      {children}
    </p>
  );
}

/** A link that downloads a CSV export, described by the hint next to it. */
export function CsvLink(props: {
  href: string;
  file: string;
  hintId: string;
  text: string;
  hint: string;
}) {
  return (
    <>
      <a
        class="staff-button staff-button--secondary"
        href={props.href}
        download={props.file}
        aria-describedby={props.hintId}
      >
        {props.text}
      </a>
      <span id={props.hintId}>{props.hint}</span>
    </>
  );
}

/** Props of a one-time value's box. */
interface OneTimeValueProps {
  /** Whose value it is. */
  lead: ComponentChildren;
  value: string;
  /** What to do with it (it is shown once). */
  how: ComponentChildren;
  /** Given, the box takes the focus from the page (tabIndex -1). */
  boxRef?: Ref<HTMLDivElement> | undefined;
  testId?: string | undefined;
  children?: ComponentChildren;
}

/** A value shown once in large type for someone to copy down: a password, a sign-in code. */
export function OneTimeValue({ lead, value, how, boxRef, testId, children }: OneTimeValueProps) {
  return (
    <div
      class="staff-signin"
      tabIndex={boxRef === undefined ? undefined : -1}
      ref={boxRef ?? null}
      data-testid={testId}
    >
      <p>{lead}</p>
      <p class="staff-signin__value staff-mono">{value}</p>
      <p>{how}</p>
      {children}
    </div>
  );
}

/** A form's sending state: its error line's text, whether a request is under way, and a sender. */
export interface Submit {
  error: string;
  busy: boolean;
  /** Shows a message in the error line (a field left empty), or clears it with ''. */
  setError: (message: string) => void;
  /**
   * Sends a request: busy until it settles, the error line cleared first; on success `done`, on
   * failure the message `failed` gives for the error.
   */
  send: <T>(
    request: () => Promise<T>,
    done: (answer: T) => void,
    failed: (error: unknown) => string,
  ) => void;
}

/** The sending state of one staff form. */
export function useSubmit(): Submit {
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  return {
    error,
    busy,
    setError,
    send: (request, done, failed) => {
      setBusy(true);
      setError('');
      request().then(
        (answer) => {
          setBusy(false);
          done(answer);
        },
        (e: unknown) => {
          setBusy(false);
          setError(failed(e));
        },
      );
    },
  };
}

/** Props of a staff form. */
interface StaffFormProps {
  submit: Submit;
  /** The error line's id, which the fields name in aria-describedby. */
  errorId: string;
  /** The submit button's text, and its text while the request is under way. */
  action: string;
  busyAction: string;
  onSubmit: () => void;
  children: ComponentChildren;
}

/** A staff form checked by the page (noValidate): its fields, the error line and the submit button. */
export function StaffForm({
  submit,
  errorId,
  action,
  busyAction,
  onSubmit,
  children,
}: StaffFormProps) {
  return (
    <form
      class="staff-form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit();
      }}
    >
      {children}
      <ErrorLine id={errorId}>{submit.error}</ErrorLine>
      <button type="submit" class="staff-button" disabled={submit.busy}>
        {submit.busy ? busyAction : action}
      </button>
    </form>
  );
}

/** The strings a name form takes from its page, by its id: `${id}Name` and `${id}NameHint`. */
type NameFormText<Id extends string> = Record<`${Id}Name` | `${Id}NameHint`, string> & {
  /** The error line's text when the name is left empty. */
  nameRequired: string;
  create: string;
  creating: string;
};

/** Props of a form that makes something named (an account, a cohort) of one kind. */
interface NameFormProps<Id extends string> {
  submit: Submit;
  /** The ids' stem: `${id}-name` for the field, `${id}-error` for the error line. */
  id: Id;
  text: NameFormText<Id>;
  /** The name field, for the page to give it the focus. */
  nameRef: RefObject<HTMLInputElement>;
  /** Whether the field is marked invalid, given the error line's text. */
  invalid: (error: string) => boolean;
  autocomplete?: string;
  /** The list to choose the kind from, and what to do when another is chosen. */
  kind: {
    id: string;
    label: string;
    value: string;
    options: readonly (readonly [string, string])[];
  };
  onKind: (value: string) => void;
  /** Called with the trimmed name once it is not empty, and what empties the field once it is made. */
  onSubmit: (name: string, made: () => void) => void;
}

/** A name (required, at most 80 characters) and a kind to choose, then the submit button. */
export function NameForm<Id extends string>(props: NameFormProps<Id>) {
  const { submit, id, text, nameRef, kind } = props;
  const [name, setName] = useState('');
  const words: Record<`${Id}Name` | `${Id}NameHint`, string> = text;
  return (
    <StaffForm
      submit={submit}
      errorId={`${id}-error`}
      action={text.create}
      busyAction={text.creating}
      onSubmit={() => {
        if (name.trim() !== '') {
          props.onSubmit(name.trim(), () => {
            setName('');
          });
          return;
        }
        submit.setError(text.nameRequired);
        nameRef.current?.focus();
      }}
    >
      <TextField
        id={`${id}-name`}
        label={words[`${id}Name`]}
        hint={words[`${id}NameHint`]}
        errorId={`${id}-error`}
        inputRef={nameRef}
        maxLength={80}
        required
        autocomplete={props.autocomplete}
        aria-invalid={props.invalid(submit.error) ? 'true' : undefined}
        value={name}
        onValue={setName}
      />
      <p>
        <SelectField {...kind} onValue={props.onKind} />
      </p>
    </StaffForm>
  );
}

/** Something the page asked the API for: on its way, failed, or here. */
export type Loadable<T> = T | 'loading' | 'failed';

/**
 * Loads with `load` when the page opens and again whenever `deps` change, showing 'loading'
 * meanwhile; an answer that arrives after a newer request is dropped. `reload` asks again quietly
 * (what is shown stays until the new answer).
 */
export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[]) {
  const [value, setValue] = useState<Loadable<T>>('loading');
  const [round, setRound] = useState(0);
  const quiet = useRef(false);
  useEffect(() => {
    let live = true;
    if (!quiet.current) setValue('loading');
    quiet.current = false;
    load().then(
      (answer) => {
        if (live) setValue(answer);
      },
      () => {
        if (live) setValue('failed');
      },
    );
    return () => {
      live = false;
    };
  }, [...deps, round]);
  return [
    value,
    () => {
      quiet.current = true;
      setRound((r) => r + 1);
    },
  ] as const;
}

/** Props of what shows a loadable value. */
interface LoadedProps<T> {
  value: Loadable<T>;
  t: { loading: string; loadFailed: string };
  /** In a polite live region, busy while loading (a summary line that changes with filters). */
  live?: boolean;
  children: (value: T) => ComponentChildren;
}

/** "Loading…", an alert that loading failed, or what `children` makes of the value. */
export function Loaded<T>({ value, t, live, children }: LoadedProps<T>) {
  const shown =
    value === 'loading' ? (
      <p>{t.loading}</p>
    ) : value === 'failed' ? (
      <p role="alert">{t.loadFailed}</p>
    ) : (
      children(value)
    );
  if (live !== true) return <>{shown}</>;
  return (
    <div aria-live="polite" aria-busy={value === 'loading' ? 'true' : 'false'}>
      {shown}
    </div>
  );
}

/** A list, or the words for its being empty. */
export function ListOr<T>(props: {
  items: readonly T[];
  empty: ComponentChildren;
  class?: string;
  children: (item: T, index: number) => ComponentChildren;
}) {
  if (props.items.length === 0) return <>{props.empty}</>;
  return <ul class={props.class}>{props.items.map(props.children)}</ul>;
}
