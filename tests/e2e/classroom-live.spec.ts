import { expect, test, type Page } from '@playwright/test';
import {
  askTheRoom,
  firstKit,
  firstQuestion,
  joinByCode,
  openCohort,
  signInFrom,
  useTrainerService,
  newPhone,
  CLASSROOM_SITE,
} from './support/trainer-session.ts';
import { startSiteService, type SiteService } from './support/service.ts';

// What the room sees on the projector while a question is live: the same letters as on the
// phones and the chart. The service shuffles a live question's options each time it is asked.
const trainerService = useTrainerService('trainer-classroom-e2e');

/** The options of the question projected in classroom mode, in the order shown (A, B, C...). */
const projected = (page: Page) =>
  page.getByTestId('classroom').locator('ol[type="A"]').first().locator('li').allInnerTexts();

/** A phone's options in the order shown, without their letters. */
const onPhone = async (phone: Page) =>
  (await phone.locator('.live-option').allInnerTexts()).map((text) =>
    text.replace(/^[A-Z]\s+/, '').trim(),
  );

test('the projected question letters its options as the phones and the chart do, each time it is asked', async ({
  page,
  browser,
}) => {
  test.setTimeout(180_000);
  const service = trainerService();
  const { kit, kitUrl } = firstKit();
  const q = firstQuestion(kit.module);
  await page.setViewportSize({ width: 1280, height: 720 });
  await signInFrom(page, service, kitUrl);
  const code = await openCohort(page, service, 'Classroom letters e2e', 'police-pre-deployment');
  await askTheRoom(page, service, kit.module, code, CLASSROOM_SITE);
  const phone = await newPhone(browser);
  await joinByCode(phone, service.base, code);
  await expect(phone.getByText(q.prompt)).toBeVisible();

  // Asked four times, the options come in a new order each time: with three options, the file's
  // order and the room's agree by chance on one asking in six, so four askings tell them apart.
  for (let asking = 0; asking < 4; asking += 1) {
    if (asking > 0) {
      await page.getByRole('button', { name: 'Stop asking live' }).click();
      await page.getByRole('button', { name: 'Ask the room live' }).click();
      await expect(page.getByTestId('live-answers')).toHaveText('0 answers');
    }
    await expect(phone.locator('.live-option')).toHaveCount(q.options.length);
    const room = await onPhone(phone);
    await expect.poll(() => projected(page)).toEqual(room);
    // The phone answers the option the projector letters B: the chart counts it under B.
    await phone.locator('.live-option').nth(1).click();
    await phone.getByRole('button', { name: 'Send my answer' }).click();
    await expect(phone.getByText('Answer sent.')).toBeVisible();
    const bars = page.getByTestId('live-chart').locator('li');
    await expect(bars.nth(1).locator('.live-chart__n')).toHaveText('1');
    await expect(bars.nth(1).locator('.live-chart__label')).toHaveText('B');
  }
  // Once revealed, the reveal button looks as unavailable as it is.
  const reveal = page.getByRole('button', { name: 'Reveal on the phones and chart' });
  const opacity = () => reveal.evaluate((b) => Number(getComputedStyle(b).opacity));
  expect(await opacity()).toBe(1);
  await reveal.click();
  await expect(reveal).toBeDisabled();
  expect(await opacity()).toBeLessThan(0.7);
  await phone.context().close();
});

test('when the connection to the room drops, the trainer is told the chart may be behind, and the chart catches up when it returns', async ({
  page,
  browser,
}) => {
  test.setTimeout(180_000);
  const trainer = 'trainer-offline-e2e';
  const site: SiteService = await startSiteService({
    siteUrl: CLASSROOM_SITE,
    staff: [[trainer, 'trainer']],
  });
  try {
    const room = { base: site.url, trainer, close: () => site.close() };
    const { kit, kitUrl } = firstKit();
    await signInFrom(page, room, kitUrl);
    const code = await openCohort(page, room, 'Offline room e2e', 'police-pre-deployment');
    // The room's event stream is open (its headers came) before the network goes.
    const streamOpen = page.waitForResponse((r) => r.url().includes('/events'));
    await askTheRoom(page, room, kit.module, code, CLASSROOM_SITE);
    expect((await streamOpen).status()).toBe(200);
    await expect(page.getByTestId('live-offline')).toHaveCount(0);

    // The network goes: every open connection is cut, and the trainer's stream cannot come back.
    await page.route('**/api/live/rooms/*/events', (route) => route.abort('internetdisconnected'));
    site.app.server.closeAllConnections();
    await expect(page.getByTestId('live-offline')).toHaveText(
      'No connection to the room: the chart may be behind. Retrying…',
    );

    // Meanwhile a phone answers; the trainer's chart cannot know yet.
    const phone = await newPhone(browser);
    await joinByCode(phone, site.url, code);
    await phone.locator('.live-option').first().click();
    await phone.getByRole('button', { name: 'Send my answer' }).click();
    await expect(phone.getByText('Answer sent.')).toBeVisible();
    await expect(page.getByTestId('live-answers')).toHaveText('0 answers');

    // The network is back: the stream reconnects by itself, the warning goes, the chart catches up.
    await page.unroute('**/api/live/rooms/*/events');
    await expect(page.getByTestId('live-offline')).toHaveCount(0, { timeout: 20_000 });
    await expect(page.getByTestId('live-answers')).toHaveText('1 answer');
    await phone.context().close();
  } finally {
    await site.close();
  }
});

test('a true/false question live: the projector letters True A and False B, as the phones and the chart do', async ({
  page,
  browser,
}) => {
  test.setTimeout(180_000);
  const service = trainerService();
  // The fifth question of the first shared module is a true/false one.
  const module = 'cp-in-peace-operations';
  const { kitUrl } = firstKit();
  await signInFrom(page, service, kitUrl);
  const code = await openCohort(page, service, 'True or false e2e', 'police-pre-deployment');
  await askTheRoom(page, service, module, code, CLASSROOM_SITE);
  // Once live, "Ask the room live" is gone and nothing has focus: the keys still move the
  // classroom, the arrows and a clicker's Page Down alike.
  for (const key of ['ArrowRight', 'PageDown', 'ArrowRight', 'PageDown']) {
    await page.keyboard.press(key);
  }
  await expect(page.getByTestId('classroom')).toContainText('Question 5 of');
  await expect(page.getByTestId('classroom')).toContainText('True or false');
  const phone = await newPhone(browser);
  await joinByCode(phone, service.base, code);
  await expect(phone.locator('.live-option')).toHaveCount(2);
  expect(await onPhone(phone)).toEqual(['True', 'False']);
  await expect.poll(() => projected(page)).toEqual(['True', 'False']);
  await phone.context().close();
});
