/**
 * Sets environment variables for a test file (e.g. DATABASE_URL / APP_DATABASE_URL pointing the
 * app's own pool — server actions, route handlers — at the file's database) and returns what puts
 * them back as they were, for `afterAll`.
 */
export function setEnv(vars: Record<string, string>): () => void {
  const saved: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(vars)) {
    saved[name] = process.env[name];
    process.env[name] = value;
  }
  return () => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}
