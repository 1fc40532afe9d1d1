import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../..');

/** One real worker process (`node --import tsx jobs/worker.ts`), named so a job says who runs it. */
export interface WorkerProcess {
  name: string;
  child: ChildProcess;
  /** resolves when the worker logged that it started (its queues are listening) */
  ready: Promise<void>;
  exited: Promise<number | null>;
  alive: boolean;
  /** started and listening (its queues take jobs) */
  isReady: boolean;
  killed: boolean;
}

/**
 * How a worker process is started: `node --import tsx jobs/worker.ts` (as `npm run worker`), or
 * `node <bundle>` — the same entry point bundled once by esbuild (the transform tsx applies file
 * by file), which starts in about half the CPU time (no loader hooks resolving every module).
 */
export type Launcher = { kind: 'tsx' } | { kind: 'bundle'; file: string };

/**
 * The worker processes of a chaos run. Each is the real entry point with the run's environment;
 * `kill` is SIGKILL (no shutdown hook runs, connections drop mid-statement), and every process
 * killed is replaced by a new one (the restart).
 */
export class WorkerPool {
  private count = 0;
  readonly processes: WorkerProcess[] = [];
  /** `[worker] … failed: …` lines: the attempts that threw (not the kills) */
  readonly failures: string[] = [];
  private readonly logs: WriteStream;

  constructor(
    private readonly env: NodeJS.ProcessEnv,
    private readonly namePrefix: string,
    logFile: string,
    private readonly launcher: Launcher = { kind: 'tsx' },
  ) {
    this.logs = createWriteStream(logFile, { flags: 'a' });
  }

  spawn(): WorkerProcess {
    this.count += 1;
    const name = `${this.namePrefix}-w${this.count}`;
    const args = this.launcher.kind === 'tsx' ? ['--import', 'tsx', path.join(ROOT, 'jobs', 'worker.ts')] : [this.launcher.file];
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      env: { ...this.env, WORKER_NAME: name },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let resolveReady: () => void = () => {};
    const ready = new Promise<void>((resolve) => (resolveReady = resolve));
    const markReady = () => {
      if (proc.alive) proc.isReady = true;
      resolveReady();
    };
    const proc: WorkerProcess = {
      name,
      child,
      ready,
      alive: true,
      isReady: false,
      killed: false,
      exited: new Promise((resolve) =>
        child.once('exit', (code) => {
          proc.alive = false;
          proc.isReady = false;
          markReady(); // a worker that died before it started is not waited for
          resolve(code);
        }),
      ),
    };
    let pending = '';
    const onData = (chunk: Buffer) => {
      pending += chunk.toString();
      let at: number;
      while ((at = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, at);
        pending = pending.slice(at + 1);
        this.logs.write(`${new Date().toISOString()} ${name} ${line}\n`);
        if (line.includes('[worker] started')) markReady();
        if (/^\[worker\] \S+ job \S+ failed: /.test(line)) this.failures.push(`${name}: ${line.replace('[worker] ', '')}`);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    this.processes.push(proc);
    return proc;
  }

  byName(name: string | undefined): WorkerProcess | undefined {
    return this.processes.find((p) => p.name === name);
  }

  live(): WorkerProcess[] {
    return this.processes.filter((p) => p.alive);
  }

  /** SIGKILL, and wait until the process is gone. */
  async kill(proc: WorkerProcess): Promise<void> {
    proc.killed = true;
    proc.child.kill('SIGKILL');
    await proc.exited;
  }

  /** SIGTERM (the worker finishes its running jobs), then SIGKILL whatever is still there after `graceMs`. */
  async stopAll(graceMs = 30_000): Promise<void> {
    await Promise.all(
      this.live().map(async (p) => {
        p.child.kill('SIGTERM');
        const timer = setTimeout(() => p.child.kill('SIGKILL'), graceMs);
        await p.exited;
        clearTimeout(timer);
      }),
    );
    await new Promise<void>((resolve) => this.logs.end(resolve));
  }
}
