import { expect, test } from '@playwright/test';
import { axeViolations } from './support/axe.ts';

test('a francophone learner takes a knowledge check in French, with French feedback', async ({
  page,
}) => {
  await page.goto('/fr/modules/police-coordination-cp-actors/');
  await page.locator('#knowledge-check').evaluate((element) => {
    element.scrollIntoView();
  });
  const start = page.getByRole('button', { name: 'Commencer le contrôle des connaissances' });
  await expect(start).toBeVisible();
  await start.click();
  await expect(page.getByRole('heading', { name: /^Question 1 sur \d+$/ })).toBeVisible();
  await page.getByRole('button', { name: 'Vérifier la réponse' }).click();
  // An ordering question always holds an answer (its starting order); any other asks for one.
  await expect(
    page
      .locator('.cpq')
      .getByText(/(Répondez d’abord à la question\.|Correct|Incorrect|Partiellement correct)$/)
      .first(),
  ).toBeVisible();
  expect(await axeViolations(page)).toEqual([]);
});
