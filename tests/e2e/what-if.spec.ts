import { expect, test } from '@playwright/test';
import { signInAs } from './helpers';

/**
 * Issue 16 item 2: editing the risk schedule first shows what it would do — the preview table —
 * and nothing is saved until "Save release policy".
 */
test('an admin previews a risk schedule edit before applying it', async ({ page }) => {
  await signInAs(page, 'admin');
  await page.goto('/settings');
  const form = page.getByRole('form', { name: 'Release policy' });
  const hold = page.getByLabel('Tier 2 holding period', { exact: true });
  const before = await hold.inputValue();
  await hold.fill('5');
  await form.getByRole('button', { name: 'Preview changes' }).click();
  await expect(form.getByRole('note')).toContainText(/client\(s\) affected/);
  await expect(form.getByText(/^Preview as of \d{4}-\d{2}-\d{2}:/)).toBeVisible();
  // a schedule with a gap is named, not previewed
  await page.getByLabel('Tier 2 lowest score').fill('81');
  await form.getByRole('button', { name: 'Preview changes' }).click();
  await expect(form.getByRole('alert').first()).toContainText('Scores 80–80 have no tier');
  // nothing was saved
  await page.reload();
  await expect(page.getByLabel('Tier 2 holding period', { exact: true })).toHaveValue(before);
});
