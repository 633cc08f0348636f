import { useEffect, useState } from 'preact/hooks';
import { useTypedField } from '../typed-field.ts';
import type strings from '../../i18n/en/certification.json';

/** Props of the certificate lookup island. */
export interface Props {
  /** "verify": a form and a verdict; "certificate": the printable certificate from ?code=. */
  mode: 'verify' | 'certificate';
  lang: 'en' | 'fr';
  t: typeof strings;
}

interface Found {
  status: 'valid' | 'expired';
  code: string;
  name: string;
  track: string;
  trackTitles: Record<string, string>;
  /** The verification page's address, from the service's SITE_URL. */
  verifyUrl: string;
  issuedAt: string;
  expiresAt: string;
}

type Verdict =
  | { kind: 'idle' | 'checking' | 'notFound' | 'malformed' | 'failed' }
  | { kind: 'found'; certificate: Found };

async function lookup(code: string, lang: string): Promise<Verdict> {
  try {
    const res = await fetch(`/api/certificates/${encodeURIComponent(code)}?lang=${lang}`);
    if (res.status === 404) return { kind: 'notFound' };
    if (res.status === 400) return { kind: 'malformed' };
    if (!res.ok) return { kind: 'failed' };
    return { kind: 'found', certificate: (await res.json()) as Found };
  } catch {
    return { kind: 'failed' };
  }
}

function printPage() {
  window.print();
}

/** Looks a certificate up by its code: the public verification form, or the certificate itself. */
export default function CertificateLookup({ mode, lang, t }: Props) {
  const [code, setCode] = useState('');
  const [verdict, setVerdict] = useState<Verdict>({ kind: 'idle' });
  const codeField = useTypedField<HTMLInputElement>(setCode);
  const date = (iso: string) =>
    new Date(iso).toLocaleDateString(lang === 'fr' ? 'fr-FR' : 'en-GB', { dateStyle: 'long' });

  useEffect(() => {
    const given = new URLSearchParams(window.location.search).get('code') ?? '';
    if (given !== '') {
      setCode(given);
      setVerdict({ kind: 'checking' });
      void lookup(given, lang).then(setVerdict);
    }
  }, []);

  const message = (kind: Verdict['kind']) =>
    kind === 'notFound'
      ? t.notFound
      : kind === 'malformed'
        ? t.malformed
        : kind === 'failed'
          ? t.failed
          : kind === 'checking'
            ? t.checking
            : '';

  if (mode === 'certificate') {
    if (verdict.kind !== 'found') {
      return <p role="status">{code === '' ? t.noCode : message(verdict.kind)}</p>;
    }
    const c = verdict.certificate;
    const verifyUrl = c.verifyUrl;
    return (
      <article class="certificate">
        <p class="certificate__lead">{t.certifies}</p>
        <p class="certificate__name">{c.name}</p>
        <p>{t.completed}</p>
        <p class="certificate__track">{c.trackTitles[lang] ?? c.track}</p>
        <dl class="certificate__dates">
          <dt>{t.issued}</dt>
          <dd>{date(c.issuedAt)}</dd>
          <dt>{t.expires}</dt>
          <dd>{date(c.expiresAt)}</dd>
        </dl>
        <div class="certificate__verify">
          <img
            src={`/api/certificates/${encodeURIComponent(c.code)}/qr.svg?lang=${lang}`}
            alt={t.qrAlt}
            width={128}
            height={128}
          />
          <div>
            <p>
              {t.codeCaption}: <strong class="certificate__code">{c.code}</strong>
            </p>
            <p>
              {t.verifyAt} <span class="certificate__url">{verifyUrl}</span>
            </p>
          </div>
        </div>
        <button type="button" class="certificate__print" onClick={printPage}>
          {t.print}
        </button>
      </article>
    );
  }

  return (
    <div>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          setVerdict({ kind: 'checking' });
          void lookup(code, lang).then(setVerdict);
        }}
      >
        <label for="verify-code">{t.codeLabel}</label>
        <p id="verify-code-hint">{t.codeHint}</p>
        <input
          id="verify-code"
          ref={codeField}
          name="code"
          autocomplete="off"
          spellcheck={false}
          maxLength={40}
          aria-describedby="verify-code-hint"
          value={code}
          onInput={(event) => {
            setCode(event.currentTarget.value);
          }}
        />{' '}
        <button type="submit">{t.check}</button>
      </form>
      <div role="status" aria-live="polite">
        {verdict.kind === 'found' ? (
          <section>
            <h2>{verdict.certificate.status === 'valid' ? t.valid : t.expired}</h2>
            <dl>
              <dt>{t.name}</dt>
              <dd>{verdict.certificate.name}</dd>
              <dt>{t.track}</dt>
              <dd>{verdict.certificate.trackTitles[lang] ?? verdict.certificate.track}</dd>
              <dt>{t.issued}</dt>
              <dd>{date(verdict.certificate.issuedAt)}</dd>
              <dt>{t.expires}</dt>
              <dd>{date(verdict.certificate.expiresAt)}</dd>
            </dl>
          </section>
        ) : (
          <p>{message(verdict.kind)}</p>
        )}
      </div>
    </div>
  );
}
