import { expect, type Page } from '@playwright/test';

/**
 * Saves a track for offline use from the home page of a language, as a learner does, and waits
 * until the page says it is saved. Returns the button's label (with the size it announced).
 */
export async function saveTrack(page: Page, base: string, lang: string, track: string) {
  await page.goto(`${base}/${lang}/`);
  const card = page.locator(`[data-track-id="${track}"]`);
  const save = card.getByRole('button', { name: /Save this track|Enregistrer ce parcours/ });
  await expect(save).toBeVisible({ timeout: 20_000 });
  const label = (await save.textContent()) ?? '';
  await save.click();
  await expect(card.getByRole('status')).toHaveText(/saved on this device|enregistré sur cet/, {
    timeout: 30_000,
  });
  return label;
}
