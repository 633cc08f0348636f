import { describe, expect, it } from 'vitest';
import {
  list,
  record,
  splitFrontmatter,
  type Value,
} from '../../../src/content/checks/course-files.ts';
import {
  checkPairs,
  compareModule,
  compareQuiz,
  compareTrack,
  compareTrainerKit,
  compareTrainerNotes,
} from '../../../src/content/checks/translations.ts';

// The translation rules of src/content/checks/translations.ts: each must be able to fail. The
// whole course is checked by the build and by tests/unit/content/course.test.ts.

describe('checkPairs', () => {
  it('accepts folders with the same file names', () => {
    expect(checkPairs('en', ['a.yaml', 'b.yaml'], 'fr', ['b.yaml', 'a.yaml'])).toEqual([]);
  });

  it('names a file missing in either language', () => {
    expect(checkPairs('c/en', ['a.yaml', 'b.yaml'], 'c/fr', ['a.yaml', 'z.yaml'])).toEqual([
      'c/en/b.yaml has no counterpart: expected c/fr/b.yaml',
      'c/fr/z.yaml has no counterpart: expected c/en/z.yaml',
    ]);
  });
});

describe('splitFrontmatter', () => {
  it('reads the YAML between the first two --- lines', () => {
    expect(splitFrontmatter('---\nid: a\nlang: fr\n---\n\nBody\n\n---\n\nmore')).toEqual({
      data: { id: 'a', lang: 'fr' },
      body: '\nBody\n\n---\n\nmore',
    });
  });

  it('returns no data without frontmatter', () => {
    expect(splitFrontmatter('Just a body')).toEqual({ data: undefined, body: 'Just a body' });
  });
});

describe('compareModule', () => {
  const en = {
    id: 'm',
    title: 'Title',
    audience: 'police',
    minutes: 45,
    outcomes: [
      { id: 'one', text: 'Do one thing.' },
      { id: 'two', text: 'Do another thing.' },
    ],
    prerequisites: ['first'],
    version: '1.0.0',
    lang: 'en',
    order: 3,
  };
  const fr = {
    ...en,
    title: 'Titre',
    lang: 'fr',
    outcomes: [
      { id: 'one', text: 'Faire une chose.' },
      { id: 'two', text: 'Faire autre chose.' },
    ],
  };
  const source = { file: 'content/modules/en/m.mdx', data: en };

  it('accepts a translation that changes only text and lang', () => {
    expect(compareModule(source, { file: 'content/modules/fr/m.mdx', data: fr })).toEqual([]);
  });

  it('names the file and each field that differs', () => {
    const bad = {
      ...fr,
      outcomes: [{ id: 'une', text: 'Faire une chose.' }, fr.outcomes[1]],
      prerequisites: [],
      order: 4,
    };
    expect(compareModule(source, { file: 'content/modules/fr/m.mdx', data: bad })).toEqual([
      'content/modules/fr/m.mdx: outcomes[].id is ["une","two"], but content/modules/en/m.mdx has ["one","two"]',
      'content/modules/fr/m.mdx: prerequisites is [], but content/modules/en/m.mdx has ["first"]',
      'content/modules/fr/m.mdx: order is 4, but content/modules/en/m.mdx has 3',
    ]);
  });
});

describe('compareQuiz', () => {
  const en = {
    id: 'm-check',
    module: 'm',
    lang: 'en',
    title: 'Check',
    masteryScore: 0.8,
    attempts: 3,
    questions: [
      {
        id: 'pick',
        type: 'single-choice',
        outcomes: ['one'],
        prompt: 'Which?',
        options: [
          { id: 'a', text: 'A', correct: true },
          { id: 'b', text: 'B' },
        ],
      },
      { id: 'tf', type: 'true-false', outcomes: ['one'], prompt: 'True?', answer: false },
      {
        id: 'match',
        type: 'matching',
        outcomes: ['two'],
        targets: [
          { id: 'x', text: 'X' },
          { id: 'y', text: 'Y' },
        ],
        items: [
          { id: 'i', text: 'I', target: 'x' },
          { id: 'j', text: 'J', target: 'y' },
        ],
      },
      {
        id: 'order',
        type: 'ordering',
        outcomes: ['two'],
        steps: [
          { id: 's1', text: 'First' },
          { id: 's2', text: 'Second' },
        ],
      },
      {
        id: 'case',
        type: 'scenario',
        outcomes: ['two'],
        options: [
          { id: 'good', text: 'Good', correct: true },
          { id: 'bad', text: 'Bad' },
        ],
        followUp: { id: 'case-more', type: 'true-false', outcomes: ['one'], answer: true },
      },
    ],
  };
  /** The same quiz with every text translated; ids, flags and settings untouched. */
  const translated = () => {
    const copy = structuredClone(en) as Value & { questions: Value[] };
    copy.lang = 'fr';
    copy.title = 'Contrôle';
    for (const question of copy.questions) question.prompt = 'Texte traduit';
    return copy;
  };
  const source = { file: 'content/quizzes/en/m.yaml', data: en };
  const target = (data: unknown) => ({ file: 'content/quizzes/fr/m.yaml', data });

  it('accepts a translation, and omitted defaults equal the defaults', () => {
    const fr = { ...translated(), shuffleQuestions: true, display: 'one-at-a-time' };
    expect(compareQuiz(source, target(fr))).toEqual([]);
  });

  it('names the quiz field and the question field that differ', () => {
    const fr = translated();
    fr.masteryScore = 0.7;
    fr.shuffleOptions = false;
    const [pick, tf, match, order, scenario] = fr.questions.map(record);
    list(pick?.options).map(record).forEach((option) => (option.correct = !option.correct));
    if (tf) tf.answer = true;
    const item = record(list(match?.items)[1]);
    item.target = 'x';
    if (order) order.steps = [...list(order.steps)].reverse();
    record(scenario?.followUp).id = 'case-plus';
    expect(compareQuiz(source, target(fr))).toEqual([
      'content/quizzes/fr/m.yaml: masteryScore is 0.7, but content/quizzes/en/m.yaml has 0.8',
      'content/quizzes/fr/m.yaml: shuffleOptions is false, but content/quizzes/en/m.yaml has true',
      'content/quizzes/fr/m.yaml: questions["pick"].options[].correct is [false,true], but content/quizzes/en/m.yaml has [true,false]',
      'content/quizzes/fr/m.yaml: questions["tf"].answer is true, but content/quizzes/en/m.yaml has false',
      'content/quizzes/fr/m.yaml: questions["match"].items[].target is ["x","x"], but content/quizzes/en/m.yaml has ["x","y"]',
      'content/quizzes/fr/m.yaml: questions["order"].steps[].id is ["s2","s1"], but content/quizzes/en/m.yaml has ["s1","s2"]',
      'content/quizzes/fr/m.yaml: questions["case"].followUp.id is "case-plus", but content/quizzes/en/m.yaml has "case-more"',
    ]);
  });

  it('names a missing question once, and a changed type, outcome or weight', () => {
    const fr = translated();
    fr.questions = fr.questions.filter((question) => question.id !== 'order');
    const pick = record(fr.questions[0]);
    pick.type = 'multiple-response';
    pick.outcomes = ['two'];
    pick.weight = 2;
    expect(compareQuiz(source, target(fr))).toEqual([
      'content/quizzes/fr/m.yaml: questions[].id is ["pick","tf","match","case"], but content/quizzes/en/m.yaml has ["pick","tf","match","order","case"]',
      'content/quizzes/fr/m.yaml: questions["pick"].type is "multiple-response", but content/quizzes/en/m.yaml has "single-choice"',
      'content/quizzes/fr/m.yaml: questions["pick"].outcomes is ["two"], but content/quizzes/en/m.yaml has ["one"]',
      'content/quizzes/fr/m.yaml: questions["pick"].weight is 2, but content/quizzes/en/m.yaml has 1',
    ]);
  });
});

describe('compareTrack and compareTrainerNotes', () => {
  it('names a track whose module list differs', () => {
    const en = { id: 't', audience: 'police', modules: ['a', 'b'], order: 1, title: 'Track' };
    const fr = { ...en, title: 'Parcours', modules: ['b', 'a'] };
    expect(compareTrack({ file: 'en/t.yaml', data: en }, { file: 'fr/t.yaml', data: en })).toEqual(
      [],
    );
    expect(compareTrack({ file: 'en/t.yaml', data: en }, { file: 'fr/t.yaml', data: fr })).toEqual([
      'fr/t.yaml: modules is ["b","a"], but en/t.yaml has ["a","b"]',
    ]);
  });

  it('names trainer notes whose session length or module differs', () => {
    const en = { module: 'm', lang: 'en', sessionMinutes: 90 };
    const fr = { module: 'n', lang: 'fr', sessionMinutes: 60 };
    expect(
      compareTrainerNotes({ file: 'en/m.mdx', data: en }, { file: 'fr/m.mdx', data: fr }),
    ).toEqual([
      'fr/m.mdx: module is "n", but en/m.mdx has "m"',
      'fr/m.mdx: sessionMinutes is 60, but en/m.mdx has 90',
    ]);
  });
});

describe('compareTrainerKit', () => {
  const en = {
    module: 'm',
    lang: 'en',
    plan: [{ minutes: 30, activity: 'Opening', slides: ['a'] }, { minutes: 150, activity: 'Cases', cards: ['c1'] }],
    slides: [{ id: 'a', title: 'A' }, { id: 'b', title: 'B' }],
    cards: [{ id: 'c1' }],
    handouts: [{ id: 'h' }],
    discussion: [{ id: 'd1' }, { id: 'd2' }],
  };

  it('accepts a translation that changes only the words', () => {
    const fr = { ...en, lang: 'fr', slides: [{ id: 'a', title: 'Ah' }, { id: 'b', title: 'Bé' }] };
    expect(compareTrainerKit({ file: 'en/m.yaml', data: en }, { file: 'fr/m.yaml', data: fr })).toEqual([]);
  });

  it('names slides out of order and a plan step that shows other slides', () => {
    const fr = {
      ...en,
      lang: 'fr',
      slides: [{ id: 'b' }, { id: 'a' }],
      plan: [{ minutes: 30, activity: 'Ouverture', slides: ['b'] }, en.plan[1]],
    };
    expect(compareTrainerKit({ file: 'en/m.yaml', data: en }, { file: 'fr/m.yaml', data: fr })).toEqual([
      'fr/m.yaml: slides[].id is ["b","a"], but en/m.yaml has ["a","b"]',
      'fr/m.yaml: plan[] (minutes, slides, cards) is [{"minutes":30,"slides":["b"],"cards":[]},{"minutes":150,"slides":[],"cards":["c1"]}], but en/m.yaml has [{"minutes":30,"slides":["a"],"cards":[]},{"minutes":150,"slides":[],"cards":["c1"]}]',
    ]);
  });
});
