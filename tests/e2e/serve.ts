/**
 * Starts Holdback for the browser tests exactly as `npm start` does, on a fresh database and a
 * clean queue prefix, so every run begins from the demo portfolio.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';
import { Redis } from 'ioredis';
import { withAdmin } from '../support/pg';

const url = new URL(process.env.DATABASE_URL!);
const name = url.pathname.slice(1);
if (!name.startsWith('holdback_e2e')) throw new Error(`refusing to reset ${name}: not an e2e database`);
await withAdmin((sql) => sql.unsafe(`drop database if exists "${name}" with (force)`));
const redis = new Redis(process.env.REDIS_URL || 'redis://127.0.0.1:6379');
const keys = await redis.keys(`${process.env.QUEUE_PREFIX}:*`);
if (keys.length > 0) await redis.del(...keys);
redis.disconnect();
await rm(process.env.MAIL_DIR!, { recursive: true, force: true });
// The database is new: documents of the previous run's would be files no row names.
if (process.env.DOCUMENTS_DIR) await rm(process.env.DOCUMENTS_DIR, { recursive: true, force: true });
// The database is new: anchors of the previous run's audit log would read as a lost log.
if (process.env.AUDIT_ANCHOR_FILE) await rm(process.env.AUDIT_ANCHOR_FILE, { force: true });

// A real SMTP server for the whole run: the worker sends every email to it, and it keeps each
// message as an .eml file the browser tests read (e.g. the rebate advice of a release).
const smtpDir = process.env.E2E_SMTP_DIR!;
await rm(smtpDir, { recursive: true, force: true });
await mkdir(smtpDir, { recursive: true });
let received = 0;
const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  onData(stream, session, callback) {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => {
      received += 1;
      writeFile(path.join(smtpDir, `${Date.now()}-${String(received).padStart(5, '0')}.eml`), Buffer.concat(chunks)).then(() => callback(), callback);
    });
  },
});
const port = Number(process.env.E2E_SMTP_PORT);
await new Promise<void>((resolve) => smtp.listen(port, '127.0.0.1', resolve));
process.env.SMTP_URL = `smtp://127.0.0.1:${port}`;
await import('../../scripts/start');
