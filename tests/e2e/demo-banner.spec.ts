import { expect, test } from '@playwright/test';
import { dropSession, signInAs } from './helpers';

/**
 * Issue 11: the demo's sign-ins have published passwords; while they exist every console and
 * portal page says so, so nobody takes a demo instance for a real one.
 */
test.describe('the demo banner', () => {
  test('shows in the staff console and in the client portal while demo sign-ins exist', async ({ page }) => {
    await signInAs(page, 'admin');
    const banner = page.getByRole('note', { name: 'Demo data' });
    await expect(banner).toContainText('Demo data — sign-ins with published passwords exist');
    await expect(banner).toContainText('Disable the demo users (Settings → Users)');
    await page.goto('/audit');
    await expect(banner).toBeVisible();

    await dropSession(page);
    await signInAs(page, 'client');
    await expect(page.getByRole('note', { name: 'Demo data' })).toContainText('Demo data — sign-ins with published passwords exist');
  });
});
