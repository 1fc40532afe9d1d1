import { expect, test } from '@playwright/test';
import { signInAs } from './helpers';

/**
 * Issue 16 item 2: editing the risk schedule first shows what it would do — the preview table —
 * and nothing is saved until "Save release policy", which is offered only once the preview of
 * the values as they are is shown.
 */
test('an admin previews a risk schedule edit before applying it', async ({ page }) => {
  await signInAs(page, 'admin');
  await page.goto('/settings');
  const form = page.getByRole('form', { name: 'Release policy' });
  const hold = page.getByLabel('Tier 2 holding period', { exact: true });
  const save = form.getByRole('button', { name: 'Save release policy' });
  const before = await hold.inputValue();
  // saving is not offered before a preview of the values
  await expect(save).toBeDisabled();
  await hold.fill('5');
  await expect(save).toBeDisabled();
  await form.getByRole('button', { name: 'Preview changes' }).click();
  await expect(form.getByRole('note')).toContainText(/client\(s\) affected/);
  await expect(form.getByText(/^Preview as of \d{4}-\d{2}-\d{2}:/)).toBeVisible();
  await expect(save).toBeEnabled();
  // a field changed after the preview: Save is disabled again, the figures are gone
  await hold.fill('6');
  await expect(save).toBeDisabled();
  await expect(form.getByText(/^Preview as of \d{4}-\d{2}-\d{2}:/)).toHaveCount(0);
  await expect(form.getByRole('note')).toContainText('The values changed since the preview');
  // a schedule with a gap is named, not previewed
  await page.getByLabel('Tier 2 lowest score').fill('81');
  await form.getByRole('button', { name: 'Preview changes' }).click();
  await expect(form.getByRole('alert').first()).toContainText('Scores 80–80 have no tier');
  await expect(save).toBeDisabled();
  // nothing was saved
  await page.reload();
  await expect(page.getByLabel('Tier 2 holding period', { exact: true })).toHaveValue(before);
});
