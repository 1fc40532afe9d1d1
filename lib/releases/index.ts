/**
 * Reserve releases (SPEC 5.3, 5.4, 6), one command per file: `runReleaseCycle` (./run-cycle),
 * `resumeReleaseCycle` (./resume-cycle), `markStaleCycles` (./cycle-status), `approveRelease`
 * (./approve-release), `rejectRelease` (./reject-release); the reads in ./queries, ./views and
 * ./reserve-report. The pure rule is ./releasable, its state ./state, the postings
 * ./post-releases; who may decide is lib/approvals.
 */
export { runReleaseCycle, runCycleInputSchema, type CycleView, type RunCycleInput } from './run-cycle';
export { resumeReleaseCycle } from './resume-cycle';
export { CYCLE_STALE_MINUTES, cycleErrorSql, cycleStatusSql, markStaleCycles, takeOverCycle } from './cycle-status';
export { approveRelease } from './approve-release';
export { rejectRelease } from './reject-release';
export { getRelease, listReleases, releasePostings, type CycleSummary, type ReleasePosting } from './queries';
export type { ReleaseView } from './release-rows';
export { releasableNow, reserveReport, type ReserveBalance } from './reserve-report';
export { controllerThreshold } from '../settings';
