// The shapes of the live-question API, shared by the service and the islands (types only).

/** A live question as the room sees it: no key, options lettered in the order shown. */
export interface LivePublicQuestion {
  /** The live question's id (new for every time a question is put to the room). */
  id: string;
  moduleId: string;
  lang: string;
  /** single: one letter; multiple: one or more letters. */
  kind: 'single' | 'multiple';
  prompt: string;
  /** A scenario's case, read before the question. */
  scenario?: string;
  /** The options in the order shown, lettered A, B, C... */
  options: { letter: string; text: string }[];
  startedAt: string;
}

/** What the trainer's reveal shows, and only after it. */
export interface LiveReveal {
  /** The right letters. */
  correct: string[];
  /** Why the right answer is right. */
  explanation: string;
  /** The discussion points: what each option's feedback says, by letter. */
  feedback: Record<string, string>;
}

/** A room's state: what the projector and every phone show. */
export interface LiveRoomState {
  cohort: string;
  /** The open question, or the last one (closed); null when the room has had none. */
  question: LivePublicQuestion | null;
  /** How many participants answered. */
  answers: number;
  /** How many answers chose each letter. */
  counts: Record<string, number>;
  /** Null until the trainer reveals. */
  revealed: LiveReveal | null;
  closed: boolean;
}

/** Where phones join a room: the URL (under SITE_URL) and its QR code. */
export interface LiveJoin {
  url: string;
  /** An SVG of the URL's QR code. */
  qrSvg: string;
  /** True when SITE_URL is a loopback address, which phones cannot reach. */
  loopback: boolean;
}
