/**
 * `npm start` keeps the worker process running (issue 11): a worker that dies — a crash, an
 * out-of-memory kill, Redis or Postgres gone for a moment — is started again after a wait that
 * doubles with each quick failure (1 s, 2 s, 4 s … capped), and a run that lasted a while counts
 * as healthy and resets the wait. The web server is not supervised here: when it dies, npm start
 * stops everything and exits non-zero, for the process manager (systemd, a container restart
 * policy) to restart as a whole — a web server that cannot start (a port taken, a broken build)
 * would otherwise loop forever behind a console nobody reads.
 *
 * Pure and injectable (spawn, clock and timers are passed in), so the policy is tested without
 * processes or sleeping (tests/unit/supervisor.test.ts).
 */

export interface BackoffPolicy {
  /** the wait before the first restart */
  initialMs: number;
  /** the longest wait */
  maxMs: number;
  /** a run at least this long resets the wait to initialMs */
  resetAfterMs: number;
}

export const WORKER_BACKOFF: BackoffPolicy = { initialMs: 1_000, maxMs: 30_000, resetAfterMs: 60_000 };

/** The wait before restart number `attempt` (1, 2, 3 …): initialMs × 2^(attempt − 1), at most maxMs. */
export function restartDelay(attempt: number, policy: BackoffPolicy = WORKER_BACKOFF): number {
  const n = Math.max(1, Math.floor(attempt));
  // 2^31 ms is already weeks: stop doubling long before numbers stop being exact.
  return Math.min(policy.maxMs, policy.initialMs * 2 ** Math.min(n - 1, 31));
}

/** What the supervisor needs of a child process (node's ChildProcess has it). */
export interface ChildLike {
  once(event: 'exit', listener: (code: number | null, signal: NodeJS.Signals | null) => void): unknown;
  kill(signal?: NodeJS.Signals): boolean;
}

export interface SupervisorDeps<C extends ChildLike = ChildLike> {
  spawn(): C;
  now(): number;
  setTimer(fn: () => void, ms: number): unknown;
  clearTimer(timer: unknown): void;
  log(line: string): void;
}

export interface Supervised<C extends ChildLike = ChildLike> {
  /** the running child, or null while waiting to restart (or stopped) */
  readonly child: C | null;
  /** how many times the child was started again */
  readonly restarts: number;
  /** no more restarts; signals the running child and resolves when it has exited */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

const seconds = (ms: number) => (ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`);

/** Starts `deps.spawn()` now and again after each exit (while not stopping), with backoff. */
export function supervise<C extends ChildLike>(name: string, deps: SupervisorDeps<C>, policy: BackoffPolicy = WORKER_BACKOFF): Supervised<C> {
  let child: C | null = null;
  let timer: unknown = null;
  let stopping = false;
  let restarts = 0;
  /** consecutive runs shorter than resetAfterMs */
  let failures = 0;
  let exited: Promise<void> = Promise.resolve();

  const launch = () => {
    timer = null;
    if (stopping) return;
    const startedAt = deps.now();
    const c = deps.spawn();
    child = c;
    exited = new Promise<void>((resolve) => {
      c.once('exit', (code, signal) => {
        if (child === c) child = null;
        resolve();
        if (stopping) return;
        const ran = deps.now() - startedAt;
        failures = ran >= policy.resetAfterMs ? 1 : failures + 1;
        const wait = restartDelay(failures, policy);
        deps.log(`${name} stopped (${signal ?? `exit ${code}`}) after ${seconds(ran)}; starting it again in ${seconds(wait)}`);
        timer = deps.setTimer(() => {
          restarts += 1;
          launch();
        }, wait);
      });
    });
  };
  launch();

  return {
    get child() {
      return child;
    },
    get restarts() {
      return restarts;
    },
    stop(signal: NodeJS.Signals = 'SIGTERM') {
      stopping = true;
      if (timer !== null) {
        deps.clearTimer(timer);
        timer = null;
      }
      if (child) child.kill(signal);
      return exited;
    },
  };
}
