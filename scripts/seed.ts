import { adminDatabaseUrl, closeDatabase, createDatabase, getDatabase, selectDatabaseProfile } from '../db/client';
import { ensureDatabase, migrateDatabase } from '../db/migrate';
import { todayIn } from '../lib/dates';
import { generatePortfolio } from '../lib/demo/generate';
import { demoSeedRefusal, seedDemo } from '../lib/demo/seed';
import { parseArgs } from './args';

/**
 * `npm run seed`: migrates, then adds the demo portfolio to a database without clients.
 * `npm run seed -- --invoices N [--clients C]`: adds a generated portfolio of N funded, open
 * invoices (for `npm run bench`), whatever the database holds — as the operator (DATABASE_URL):
 * the generator writes set-based and ANALYZEs, which only a table's owner may. The demo seed runs
 * as the app (its commands are the app's), and never under NODE_ENV=production unless
 * SEED_DEMO=true (its sign-ins have published passwords).
 */
const { flags } = parseArgs(process.argv.slice(2));
const url = adminDatabaseUrl();
await ensureDatabase(url);
await migrateDatabase(url);
// A bulk script: no web statement timeout (db/client).
selectDatabaseProfile('batch');
const database = getDatabase();
if (flags.invoices) {
  const invoices = Number(flags.invoices);
  if (!Number.isSafeInteger(invoices) || invoices < 1) {
    console.error('--invoices needs a whole number, e.g. --invoices 1000000');
    process.exit(1);
  }
  const clients = flags.clients ? Number(flags.clients) : undefined;
  const owner = createDatabase(url, { max: 4 });
  const result = await generatePortfolio(owner, { invoices, clients, log: (line) => console.log(`  ${line}`) });
  await owner.close();
  console.log(`generated ${result.invoices} funded invoices for ${result.clients} clients and ${result.debtors} debtors in ${result.seconds.toFixed(1)} s`);
} else {
  const refusal = demoSeedRefusal();
  if (refusal) {
    console.error(refusal);
    await closeDatabase();
    process.exit(1);
  }
  const result = await seedDemo(database, { today: todayIn() });
  console.log(result.seeded ? 'demo portfolio seeded' : 'the database has clients already; nothing seeded');
}
await closeDatabase();
