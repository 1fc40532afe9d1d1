import { adminDatabaseUrl } from '../db/client';
import { ensureDatabase, migrateDatabase } from '../db/migrate';
import { describeConnectionError } from './preflight';

const url = adminDatabaseUrl();
try {
  if (await ensureDatabase(url)) console.log(`created database ${new URL(url).pathname.slice(1)}`);
  for (const line of await migrateDatabase(url)) console.log(line);
  console.log('migrations applied (as holdback_owner); privileges of the app role granted');
} catch (error) {
  console.error(describeConnectionError(error, url));
  process.exit(1);
}
