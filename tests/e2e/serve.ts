/**
 * Starts Holdback for the browser tests exactly as `npm start` does, on a fresh database and a
 * clean queue prefix, so every run begins from the demo portfolio.
 */
import { rm } from 'node:fs/promises';
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
await import('../../scripts/start');
