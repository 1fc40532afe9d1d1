import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { WORKER_BACKOFF, restartDelay, supervise, type ChildLike } from '../../scripts/supervisor';

class FakeChild extends EventEmitter implements ChildLike {
  signals: NodeJS.Signals[] = [];
  kill(signal: NodeJS.Signals = 'SIGTERM'): boolean {
    this.signals.push(signal);
    return true;
  }
  die(code: number | null, signal: NodeJS.Signals | null = null) {
    this.emit('exit', code, signal);
  }
}

/** A clock and timers the test moves by hand: nothing sleeps. */
function harness() {
  let now = 0;
  const timers: { fn: () => void; at: number; id: number }[] = [];
  let nextId = 1;
  const children: FakeChild[] = [];
  const waits: number[] = [];
  const logs: string[] = [];
  const deps = {
    spawn: () => {
      const c = new FakeChild();
      children.push(c);
      return c;
    },
    now: () => now,
    setTimer: (fn: () => void, ms: number) => {
      waits.push(ms);
      const t = { fn, at: now + ms, id: nextId++ };
      timers.push(t);
      return t.id;
    },
    clearTimer: (id: unknown) => {
      const i = timers.findIndex((t) => t.id === id);
      if (i >= 0) timers.splice(i, 1);
    },
    log: (line: string) => logs.push(line),
  };
  /** moves the clock, firing the timers that fall due */
  const advance = (ms: number) => {
    now += ms;
    for (const t of [...timers].sort((a, b) => a.at - b.at)) {
      if (t.at <= now) {
        timers.splice(timers.indexOf(t), 1);
        t.fn();
      }
    }
  };
  return { deps, children, waits, logs, timers, advance };
}

describe('restarting the worker with backoff', () => {
  it('waits 1 s, 2 s, 4 s … doubling, capped at the maximum', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => restartDelay(n))).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
    expect(restartDelay(1_000)).toBe(WORKER_BACKOFF.maxMs);
    expect(restartDelay(0)).toBe(1_000);
  });

  it('starts a dead worker again after the backoff, doubling while it keeps dying quickly', () => {
    const h = harness();
    const s = supervise('the worker', h.deps);
    expect(h.children).toHaveLength(1);
    h.children[0]!.die(1);
    expect(h.waits).toEqual([1_000]);
    expect(s.child).toBeNull();
    h.advance(999);
    expect(h.children).toHaveLength(1); // not before its time
    h.advance(1);
    expect(h.children).toHaveLength(2);
    expect(s.restarts).toBe(1);
    h.advance(500);
    h.children[1]!.die(null, 'SIGKILL');
    h.advance(2_000);
    h.children[2]!.die(1);
    expect(h.waits).toEqual([1_000, 2_000, 4_000]);
    expect(h.logs[1]).toBe('the worker stopped (SIGKILL) after 0.5 s; starting it again in 2.0 s');
  });

  it('resets the wait once a run has lasted a while', () => {
    const h = harness();
    supervise('the worker', h.deps);
    h.children[0]!.die(1);
    h.advance(1_000);
    h.children[1]!.die(1);
    h.advance(2_000);
    expect(h.waits).toEqual([1_000, 2_000]);
    h.advance(WORKER_BACKOFF.resetAfterMs); // the third run is healthy for a minute, then dies
    h.children[2]!.die(1);
    expect(h.waits).toEqual([1_000, 2_000, 1_000]);
  });

  it('stopping cancels a pending restart and signals the running worker', async () => {
    const h = harness();
    const s = supervise('the worker', h.deps);
    h.children[0]!.die(1);
    expect(h.timers).toHaveLength(1);
    await s.stop();
    expect(h.timers).toHaveLength(0);
    h.advance(60_000);
    expect(h.children).toHaveLength(1);

    const h2 = harness();
    const s2 = supervise('the worker', h2.deps);
    const stopped = s2.stop('SIGTERM');
    expect(h2.children[0]!.signals).toEqual(['SIGTERM']);
    h2.children[0]!.die(0);
    await stopped;
    expect(h2.timers).toHaveLength(0); // an exit while stopping is not restarted
    expect(h2.children).toHaveLength(1);
  });
});
