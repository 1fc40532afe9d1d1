import { closeDatabase, databaseUrl, getDatabase } from '../db/client';
import { ensureDatabase, migrateDatabase } from '../db/migrate';
import { todayIn } from '../lib/dates';
import { seedDemo } from '../lib/demo/seed';

/** `npm run seed`: migrates, then adds the demo portfolio to a database without clients. */
const url = databaseUrl();
await ensureDatabase(url);
await migrateDatabase(url);
const result = await seedDemo(getDatabase(), { today: todayIn() });
console.log(result.seeded ? 'demo portfolio seeded' : 'the database has clients already; nothing seeded');
await closeDatabase();
