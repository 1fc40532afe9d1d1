/** WEB_PROCESSES: a whole number from 1 to 64, or `auto` (the cores); unset or 1: no cluster. */
export function webProcesses(value: string | undefined, cores: number): number {
  if (value === undefined || value.trim() === '') return 1;
  if (value.trim() === 'auto') return Math.max(1, Math.min(64, cores));
  if (!/^\d{1,2}$/.test(value.trim()) || Number(value) < 1 || Number(value) > 64) {
    throw new Error(`WEB_PROCESSES must be a whole number from 1 to 64, or auto (got ${JSON.stringify(value)})`);
  }
  return Number(value);
}
