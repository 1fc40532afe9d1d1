import { databaseUrl } from '../db/client';
import { ensureDatabase, migrateDatabase } from '../db/migrate';
import { describeConnectionError } from './preflight';

const url = databaseUrl();
try {
  if (await ensureDatabase(url)) console.log(`created database ${new URL(url).pathname.slice(1)}`);
  await migrateDatabase(url);
  console.log('migrations applied');
} catch (error) {
  console.error(describeConnectionError(error, url));
  process.exit(1);
}
