import { expect, it } from 'vitest';
import { api, enrol, PROFILE, staffLogin, describePlatform } from './certification-helpers.ts';

// The platform's JSON bodies (/api/...) have their nesting counted before they are parsed, as
// the LRS counts its own: a body of 100,000 nested arrays or objects is refused for its depth,
// by name, and parses nothing; the service answers the next request as usual.
describePlatform('deeply nested JSON sent to the platform', [['deep-trainer', 'trainer']], (p) => {
  const LEVELS = 100_000;
  const arrays = '['.repeat(LEVELS) + ']'.repeat(LEVELS);
  const objects = '{"a":'.repeat(LEVELS) + '1' + '}'.repeat(LEVELS);

  it('is a 400 naming the limit on every kind of caller, and stores nothing', async () => {
    const learner = await enrol(p.server);
    const trainer = await staffLogin(p.server, 'deep-trainer');
    const staff = { Cookie: trainer.cookie, 'X-CSRF-Token': trainer.csrf };
    const calls: [string, { authorization?: string; headers?: Record<string, string> }][] = [
      ['/api/enrol', {}],
      ['/api/sign-in', {}],
      ['/api/staff/login', {}],
      ['/api/live/rooms/ABCDE-FGHJ/answers', {}],
      ['/api/cohorts/join', { authorization: learner.authorization }],
      ['/api/assessments/police-pre-deployment/attempts', { authorization: learner.authorization }],
      ['/api/cohorts', { headers: staff }],
    ];
    for (const [path, init] of calls) {
      for (const raw of [arrays, objects]) {
        const res = await api(p.server, path, { ...init, raw });
        expect(res.status, `${path}: ${res.text}`).toBe(400);
        expect((res.json as { message?: string }).message, path).toBe(
          'the body nests arrays and objects deeper than the limit of 32 levels',
        );
      }
    }
    // Nothing was enrolled or opened; the service goes on answering.
    const cohorts = await api(p.server, '/api/cohorts', { headers: { Cookie: trainer.cookie } });
    expect(cohorts.json).toEqual([]);
    const next = await enrol(p.server, { name: PROFILE.name });
    expect(next.learnerId).toMatch(/^l-/);
  });
});
