import type { Actor } from '../auth/actor';

/**
 * The one after-commit runner (STYLE "How a command flows"): work that follows a command's
 * commit — enqueue a job, kick the outbox — runs here for server actions (formAction) and API
 * routes (apiRoute) alike. A failure is logged with what it was and the request id, never
 * swallowed, and never undoes what was committed (the scheduler retries what did not start).
 */

/** Work after the commit (enqueue a job, kick the outbox): its failure is logged, never swallowed, and never undoes the command. */
export type AfterCommit = (label: string, work: () => Promise<unknown>) => void;

/** Runs the works one by one; answers the labels of those that failed (each logged). */
export async function runAfterCommit(works: { label: string; work: () => Promise<unknown> }[], actor: Pick<Actor, 'requestId'>): Promise<string[]> {
  const failed: string[] = [];
  for (const { label, work } of works) {
    try {
      await work();
    } catch (error) {
      failed.push(label);
      console.error(
        JSON.stringify({
          level: 'error',
          msg: 'after-commit work failed',
          work: label,
          requestId: actor.requestId,
          error: error instanceof Error ? error.message : String(error),
        }),
      );
    }
  }
  return failed;
}
