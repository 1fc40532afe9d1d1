import { expect, type Locator, type Page } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { E2E_SMTP_DIR } from '../../playwright.config';
import { DEMO_PASSWORD, DEMO_USERS } from '../../lib/demo/users';
import type { Role } from '../../lib/auth/roles';

export { DEMO_PASSWORD, DEMO_USERS };

export function demoUser(role: Role) {
  return DEMO_USERS.find((u) => u.role === role)!;
}

export async function signIn(page: Page, email: string, password: string = DEMO_PASSWORD): Promise<void> {
  await page.goto('/signin');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

export async function signInAs(page: Page, role: Role): Promise<void> {
  await signIn(page, demoUser(role).email);
  await expect(page).toHaveURL(role === 'client' ? /\/portal$/ : /\/dashboard$/);
}

/**
 * Leaves this browser's session without signing out, to sign in as someone else: signing out
 * ends every session of the user (issue 11), and the demo users are signed in by the test files
 * running beside this one. Signing out itself is tested with users of its own (sessions.spec.ts).
 */
export async function dropSession(page: Page): Promise<void> {
  await page.context().clearCookies();
}

/** `npm run cli` against the e2e database, as a script would bootstrap keys. */
export function cli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync('npm', ['run', '-s', 'cli', '--', ...args], {
    env: { ...process.env, DATABASE_URL: process.env.E2E_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/holdback_e2e' },
    encoding: 'utf8',
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

export function apiKeyFor(email: string, role: Role, clientId?: string): string {
  const result = cli(['create-user', '--email', email, '--role', role, ...(clientId ? ['--client', clientId] : []), '--api-key']);
  if (result.status !== 0) throw new Error(`cli failed: ${result.stderr}`);
  return result.stdout.trim().split('\n').pop()!;
}

/**
 * Issue 13: clients are picked by typing (app/_components/client-picker.tsx): type the name, wait
 * for the suggestion "Name (#id, USD)" and take it, as a person choosing it from the list does.
 * The page must be hydrated (the suggestions are fetched by the browser).
 */
export async function pickClient(scope: Locator, name: string, label = 'Client'): Promise<string> {
  return pickParty(scope, name, label);
}

/**
 * Issue 13: debtors are picked by typing too (app/_components/debtor-picker.tsx): type the name,
 * wait for the suggestion "Name (#id, limit …, rating …, n open invoices)" and take it. Returns
 * the debtor's id.
 */
export async function pickDebtor(scope: Locator, name: string, label = 'Debtor'): Promise<string> {
  return pickParty(scope, name, label);
}

async function pickParty(scope: Locator, name: string, label: string): Promise<string> {
  const input = scope.getByLabel(label, { exact: true });
  await input.fill(name);
  const option = scope.locator(`datalist option[value^="${name.replace(/"/g, '\\"')} (#"]`).first();
  await option.waitFor({ state: 'attached' });
  const value = (await option.getAttribute('value'))!;
  await input.fill(value);
  return /\(#(\d+)/.exec(value)![1]!;
}

/** The first email to `address` the test SMTP server has written to E2E_SMTP_DIR, parsed (waits up to `timeoutMs`). */
export async function mailTo(address: string, timeoutMs = 30_000): Promise<ParsedMail> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const name of await readdir(E2E_SMTP_DIR).catch(() => [] as string[])) {
      const mail = await simpleParser(await readFile(path.join(E2E_SMTP_DIR, name)));
      const to = [mail.to]
        .flat()
        .flatMap((a) => a?.value ?? [])
        .map((v) => v.address);
      if (to.includes(address)) return mail;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`no email to ${address} reached the SMTP server within ${timeoutMs} ms`);
}
