import { defineConfig } from '@playwright/test';

export const E2E_PORT = Number(process.env.E2E_PORT || 3123);
export const E2E_DATABASE_URL = process.env.E2E_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/holdback_e2e';
export const E2E_QUEUE_PREFIX = process.env.E2E_QUEUE_PREFIX || 'holdback-e2e';
export const E2E_SMTP_PORT = Number(process.env.E2E_SMTP_PORT || 2526);
export const E2E_SMTP_DIR = process.env.E2E_SMTP_DIR || '.data/e2e-smtp';

/**
 * Browser tests in Debian's chromium against the real `npm start` (tests/e2e/serve.ts starts it
 * on a fresh database): migrations, demo seed, build, web server and workers all included.
 */
export default defineConfig({
  testDir: 'tests/e2e',
  // waits for the worker beside the web server (the webServer below answers first)
  globalSetup: './tests/e2e/global-setup.ts',
  // Two runs side by side (e.g. on one development machine) keep their traces apart.
  outputDir: process.env.E2E_OUTPUT_DIR || 'test-results',
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 2,
  // One retry, reported as "flaky" in the summary (never hidden): on a busy 2-core CI box a click
  // can land before React hydrates a client-handled form (see app/_components/hydrated.tsx; the
  // specs wait for <html data-hydrated> where they know it matters). A flaky line is a bug to fix.
  retries: 1,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${E2E_PORT}`,
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
    trace: 'retain-on-failure',
  },
  webServer: {
    command: 'node --import tsx tests/e2e/serve.ts',
    url: `http://127.0.0.1:${E2E_PORT}/api/health`,
    // migrations, seed and a production build on a busy 2-core machine
    timeout: 900_000,
    reuseExistingServer: false,
    stdout: 'pipe',
    stderr: 'pipe',
    gracefulShutdown: { signal: 'SIGTERM', timeout: 20_000 },
    env: {
      PORT: String(E2E_PORT),
      DATABASE_URL: E2E_DATABASE_URL,
      QUEUE_PREFIX: E2E_QUEUE_PREFIX,
      SEED_DEMO: 'true',
      MAIL_DIR: `${E2E_SMTP_DIR}-mail`,
      // this run's document store (tests/e2e/serve.ts empties it, as the database is new)
      DOCUMENTS_DIR: `${E2E_SMTP_DIR}-documents`,
      // the audit chain's anchors of this run's fresh database (tests/e2e/serve.ts starts it empty)
      AUDIT_ANCHOR_FILE: `${E2E_SMTP_DIR}-audit-anchor.jsonl`,
      // tests/e2e/serve.ts runs a real SMTP server here and keeps what it receives in E2E_SMTP_DIR
      E2E_SMTP_PORT: String(E2E_SMTP_PORT),
      E2E_SMTP_DIR: E2E_SMTP_DIR,
      // the factor's bank for the NACHA payout file (a valid ABA test routing number)
      NACHA_ORIGIN_ROUTING: '021000021',
      NACHA_COMPANY_ID: '1234567890',
      NACHA_COMPANY_NAME: 'Holdback E2E Factor',
      NEXTAUTH_URL: `http://127.0.0.1:${E2E_PORT}`,
      FACTOR_TIMEZONE: 'UTC',
      // The startup catch-up would accrue the tests' fresh invoices through today while they run.
      ACCRUAL_ON_START: 'false',
      // tests/e2e/webhooks.spec.ts's receiver listens on 127.0.0.1: the webhooks' SSRF guard lets it through only with this
      WEBHOOKS_ALLOW_PRIVATE: 'true',
    },
  },
});
