import { staticQuizId, storageKey } from '../quiz/client.ts';
import { offerQuizProgress, onQuizEvent } from '../quiz/events.ts';
import {
  answered,
  completed,
  experienced,
  initialized,
  judged,
  launched,
  terminated,
  type TrackingContext,
} from '../xapi/builders.ts';
import { newUuid } from '../xapi/ids.ts';
import { siteOrigin, type Learner } from './learner.ts';
import {
  fetchProgress,
  mergeProgress,
  parseModuleProgress,
  storeProgress,
  type ModuleProgress,
  type SectionKey,
} from './state.ts';
import type { Sync } from './sync.ts';

interface Section {
  key: SectionKey;
  heading: HTMLElement;
  /** The section's last element: reaching it means the section was read. */
  end: Element;
}

/** The module's sections: the body's h2 headings in order, then the key messages. */
function findSections(article: Element): Section[] {
  const headings = [...article.querySelectorAll<HTMLElement>('.module-body h2')];
  const sections: Section[] = headings.map((heading, i) => {
    const next = headings[i + 1];
    let end: Element = heading;
    while (end.nextElementSibling && end.nextElementSibling !== next) {
      end = end.nextElementSibling;
    }
    return { key: i + 1, heading, end };
  });
  const key = article.querySelector<HTMLElement>('#key-messages-heading');
  const box = key?.closest('section');
  if (key && box)
    sections.push({ key: 'key-messages', heading: key, end: box.lastElementChild ?? key });
  return sections;
}

const localKey = (moduleId: string) => `cp-xapi:progress:${moduleId}`;

function readLocal(moduleId: string): { progress: ModuleProgress; dirty: boolean } {
  try {
    const value = JSON.parse(localStorage.getItem(localKey(moduleId)) ?? 'null') as {
      progress?: unknown;
      dirty?: unknown;
    } | null;
    return { progress: parseModuleProgress(value?.progress), dirty: value?.dirty === true };
  } catch {
    return { progress: { read: [] }, dirty: false };
  }
}

function writeLocal(moduleId: string, progress: ModuleProgress, dirty: boolean): void {
  try {
    localStorage.setItem(localKey(moduleId), JSON.stringify({ progress, dirty }));
  } catch {
    // A full storage costs the resume on this device only; the State copy still gets written.
  }
}

function readQuiz(key: string): unknown {
  try {
    const text = localStorage.getItem(key);
    return text === null ? undefined : (JSON.parse(text) as unknown);
  } catch {
    return undefined;
  }
}

/**
 * Tracks a module page: launched and initialized on opening, experienced per section read,
 * answered and passed/failed from the quiz's events, completed once every section is read and
 * the check is passed, terminated on leaving. Keeps the place and the unfinished quiz attempt in
 * the State resource, and restores them from there before the quiz island hydrates.
 */
export function startTracker(learner: Learner, sync: Sync): void {
  const article = document.querySelector<HTMLElement>('article[data-module-id]');
  const moduleId = article?.dataset.moduleId;
  if (!article || moduleId === undefined) return;
  const site = siteOrigin();
  const quizRoot = article.querySelector<HTMLElement>('[data-quiz-id]');
  const quizId = quizRoot?.dataset.quizId;
  const quizKey = quizId === undefined ? undefined : storageKey({ id: quizId, module: moduleId });
  const sections = findSections(article);
  const title = article.querySelector('h1')?.textContent.trim();

  let sessionStart = Date.now();
  const ctx: TrackingContext = {
    site,
    actor: learner.actor,
    registration: learner.registration,
    sessionId: newUuid(),
    lang: document.documentElement.lang || 'en',
    moduleId,
    ...(title ? { moduleTitle: title } : {}),
    ...(learner.trackId === undefined ? {} : { trackId: learner.trackId }),
    ...(learner.cohort === undefined ? {} : { cohort: learner.cohort }),
  };
  let seen = new Set<SectionKey>();
  let { progress, dirty } = readLocal(moduleId);
  let pushTimer: ReturnType<typeof setTimeout> | undefined;

  const captureQuiz = () => {
    if (quizKey === undefined) return;
    const value = readQuiz(quizKey);
    if (value !== undefined) progress.quiz = { key: quizKey, value };
  };
  const push = async (keepalive = false) => {
    clearTimeout(pushTimer);
    pushTimer = undefined;
    captureQuiz();
    dirty = true;
    writeLocal(moduleId, progress, true);
    const sent = progress;
    if (await storeProgress(learner, site, moduleId, sent, keepalive)) {
      dirty = false;
      writeLocal(moduleId, progress, progress !== sent);
    }
  };
  const schedulePush = () => {
    writeLocal(moduleId, progress, true);
    clearTimeout(pushTimer);
    pushTimer = setTimeout(() => void push(), 1500);
  };

  const checkCompletion = () => {
    if (progress.completed === true) return;
    const allRead = sections.every((section) => progress.read.includes(section.key));
    if (!allRead || (quizId !== undefined && progress.passed !== true)) return;
    progress = { ...progress, completed: true };
    void sync.add([completed(ctx, Date.now() - sessionStart)]);
    schedulePush();
  };

  const begin = () => {
    void sync.add([launched(ctx), initialized(ctx)]);
  };
  begin();

  // Resume: this device's copy first, then the State's when it arrives.
  void fetchProgress(learner, site, moduleId).then((remote) => {
    if (remote === undefined) return;
    // The island has read its storage and listens for offers once it has hidden the static
    // questions: it does all three in one step, so either none of them has happened or all have.
    const hydrated =
      quizId !== undefined &&
      document.getElementById(staticQuizId({ id: quizId, module: moduleId }))?.hidden === true;
    const before = progress;
    progress = mergeProgress(progress, remote ?? { read: [] });
    const merged = progress.quiz;
    if (quizKey !== undefined && merged?.key === quizKey && !hydrated) {
      const local = readQuiz(quizKey);
      if (JSON.stringify(local) !== JSON.stringify(merged.value)) {
        localStorage.setItem(quizKey, JSON.stringify(merged.value));
      }
    } else if (hydrated) {
      // The island already read its storage: it takes the State's copy if the learner has not
      // touched the quiz on this page yet; otherwise its own copy stays.
      const taken =
        quizKey !== undefined &&
        merged?.key === quizKey &&
        offerQuizProgress(document, { key: quizKey, value: merged.value });
      if (!taken) captureQuiz();
    }
    const place = remote?.section;
    if (place && before.section?.at !== place.at && window.scrollY === 0 && !location.hash) {
      sections.find((section) => section.key === place.key)?.heading.scrollIntoView();
    }
    if (dirty || JSON.stringify(remote) !== JSON.stringify(progress)) void push();
    else writeLocal(moduleId, progress, false);
    checkCompletion();
  });

  const observer = new IntersectionObserver((entries) => {
    for (const entry of entries) {
      if (!entry.isIntersecting) continue;
      const section = sections.find((candidate) => candidate.end === entry.target);
      if (!section || seen.has(section.key)) continue;
      seen.add(section.key);
      void sync.add([
        experienced(ctx, { section: section.key, title: section.heading.textContent.trim() }),
      ]);
      progress = {
        ...progress,
        read: progress.read.includes(section.key) ? progress.read : [...progress.read, section.key],
        section: { key: section.key, id: section.heading.id, at: new Date().toISOString() },
      };
      schedulePush();
      checkCompletion();
    }
  });
  for (const section of sections) observer.observe(section.end);

  onQuizEvent(document, (detail) => {
    if (detail.moduleId !== moduleId) return;
    if (detail.kind === 'question-answered') void sync.add(answered(ctx, detail));
    if (detail.kind === 'attempt-finished') {
      void sync.add([judged(ctx, detail)]);
      if (detail.success) progress = { ...progress, passed: true };
    }
    // The island saves its progress after it re-renders; read it once that happened.
    setTimeout(() => {
      schedulePush();
      checkCompletion();
    }, 100);
  });

  window.addEventListener('pagehide', () => {
    sync.spill([terminated(ctx, Date.now() - sessionStart)]);
    void push(true);
  });
  window.addEventListener('pageshow', (event) => {
    // Back from the back/forward cache: a new session of the same module.
    if (!event.persisted) return;
    ctx.sessionId = newUuid();
    sessionStart = Date.now();
    seen = new Set();
    begin();
  });
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden' && (dirty || pushTimer !== undefined))
      void push(true);
  });
  window.addEventListener('online', () => {
    if (dirty) void push();
  });
}
