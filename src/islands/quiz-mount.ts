import { h, render } from 'preact';
import type { QuizIslandProps } from '../quiz/client.ts';
import Quiz from './Quiz.tsx';

/**
 * Mounts the knowledge checks of a page (src/components/KnowledgeCheck.astro) from the page's own
 * script rather than as Astro islands. The quiz renders nothing on the server (the page shows
 * QuizStatic until it runs), so there is nothing to hydrate: rendering from the page's script
 * saves the island loader that Astro inlines in every page with an island, the renderer and one
 * script file, about 3 KB gzip on a learner's module page (bench/page-size.mjs).
 */
export function mountQuizzes(): void {
  for (const host of document.querySelectorAll<HTMLElement>('[data-quiz-props]')) {
    const props = JSON.parse(host.dataset.quizProps ?? '') as QuizIslandProps;
    delete host.dataset.quizProps;
    render(h(Quiz, props), host);
  }
}
