import { expect, test, type Page } from '@playwright/test';
import { axeViolations } from './support/axe.ts';
import {
  answerOnPhone,
  askTheRoom,
  firstKit,
  firstQuestion,
  joinByCode,
  openCohort,
  openProjector,
  presentSlidesByKeyboard,
  signInFrom,
  useTrainerService,
  newPhone,
  CLASSROOM_SITE,
} from './support/trainer-session.ts';
import { enrol } from './support/tracking.ts';

// A trainer's session from the platform alone, on a server of its own: the kit, the slides by
// keyboard, then a live question the room answers on its phones.
const trainerService = useTrainerService('trainer-live-e2e');

test('a trainer signs in, opens a kit, presents by keyboard and asks the room live; three phones join by code and answer; the chart shows three answers', async ({
  page,
  browser,
}) => {
  test.setTimeout(180_000);
  const service = trainerService();
  const { base } = service;
  const { kit, kitUrl } = firstKit();
  const q = firstQuestion(kit.module);
  const right = q.options.find((o) => o.correct === true)?.text ?? '';
  const wrong = q.options.find((o) => o.correct !== true)?.text ?? '';

  // The trainer signs in from the kit's page, opens the projector view and presents by keyboard.
  await page.setViewportSize({ width: 1280, height: 720 });
  await signInFrom(page, service, kitUrl);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Session kit');
  await openProjector(page, kit);
  await presentSlidesByKeyboard(page, kit);

  // A cohort (its code is the room code), then the kit module's first question goes live.
  const code = await openCohort(page, service, 'Live room e2e', 'police-pre-deployment');
  await askTheRoom(page, service, kit.module, code, CLASSROOM_SITE);
  await expect(page.getByRole('img', { name: 'QR code of the join address' })).toBeVisible();

  // Three phones: one enrolled learner who scanned the QR code (the code in the URL), and two
  // guests who typed the code, one of them in lower case without its hyphen.
  const phones: Page[] = [];
  for (let i = 0; i < 3; i += 1) {
    phones.push(await newPhone(browser));
  }
  const [learner, guest1, guest2] = phones as [Page, Page, Page];
  await enrol(learner, base, 'Amina Diallo', code);
  await learner.goto(`${base}/en/live/?code=${code}`);
  await expect(learner.getByText('You answer as Amina Diallo.')).toBeVisible();
  for (const [guest, typed] of [
    [guest1, code],
    [guest2, code.replace('-', '').toLowerCase()],
  ] as const) {
    await joinByCode(guest, base, typed);
    await expect(guest.getByText(/You answer without your name/)).toBeVisible();
  }
  for (const phone of phones) await expect(phone.getByText(q.prompt)).toBeVisible();
  // Before the reveal no phone shows which option is right.
  for (const phone of phones) await expect(phone.getByText('Right answer')).toHaveCount(0);

  await answerOnPhone(learner, right);
  await answerOnPhone(guest1, right);
  await answerOnPhone(guest2, wrong);

  // The projector's chart shows the three answers as they came: two on one option, one on another.
  await expect(page.getByTestId('live-answers')).toHaveText('3 answers');
  const bars = page.getByTestId('live-chart').locator('.live-chart__n');
  await expect
    .poll(async () => (await bars.allTextContents()).map(Number).sort((a, b) => b - a))
    .toEqual([2, 1, ...Array<number>(q.options.length - 2).fill(0)]);
  // A phone cannot answer twice: its buttons are locked once sent.
  await expect(learner.getByRole('button', { name: 'Send my answer' })).toHaveCount(0);

  // The trainer reveals: the right answer and the discussion points reach every phone.
  await page.getByRole('button', { name: 'Reveal on the phones and chart' }).click();
  await expect(page.getByTestId('live-panel')).toContainText('Right answer');
  for (const phone of phones) {
    await expect(phone.getByText('Right answer')).toBeVisible();
    await expect(phone.getByRole('button', { name: new RegExp(right.slice(0, 20)) })).toContainText(
      'Right answer',
    );
    await expect(phone.getByTestId('live-answers')).toHaveText('3 answers');
  }
  expect(await axeViolations(guest2)).toEqual([]);
  // At 360 px the phone's page does not scroll sideways.
  const overflow = await guest2.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow).toBeLessThanOrEqual(0);
  for (const phone of phones) await phone.context().close();
});
