import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The longest files first, on every machine: vitest orders by the durations it cached on this
 * machine, and a clean clone (CI) has none — it then starts the largest files by size, and the
 * long runs (the chaos run, the simulation shards, the stress run) may start last and leave the
 * other workers idle at the end. `tests/support/durations.json` keeps each long file's seconds
 * as measured on a quiet development machine (regenerate it from a run's output when files move
 * much; files not in it are short and run after). Files that failed on this machine still go first.
 */
const durations: Record<string, number> = JSON.parse(readFileSync(path.join(import.meta.dirname, 'durations.json'), 'utf8'));

export default class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const root = this.ctx.config.root;
    const weight = (spec: TestSpecification) => {
      const file = path.relative(root, spec.moduleId).split(path.sep).join('/');
      const cached = this.ctx.cache.getFileTestResults(`${spec.project.name}:${file}`);
      if (cached?.failed) return Number.MAX_SAFE_INTEGER;
      const known = durations[file];
      if (known !== undefined) return known * 1000;
      if (cached) return cached.duration;
      // unknown and never run here: after the long ones, larger files first
      try {
        return statSync(spec.moduleId).size / 1000;
      } catch {
        return 0;
      }
    };
    return [...files]
      .map((spec) => ({ spec, w: weight(spec) }))
      .sort((a, b) => b.w - a.w)
      .map(({ spec }) => spec);
  }
}
