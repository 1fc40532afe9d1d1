/** The part of autocannon (devDependency, no published types) that scripts/bench-console.ts uses. */
declare module 'autocannon' {
  interface Options {
    url: string;
    headers?: Record<string, string>;
    connections?: number;
    /** seconds */
    duration?: number;
    /** seconds */
    timeout?: number;
  }
  interface Result {
    non2xx: number;
    errors: number;
    timeouts: number;
    requests: { total: number; average: number };
  }
  interface Instance extends PromiseLike<Result> {
    on(event: 'response', listener: (client: unknown, statusCode: number, resBytes: number, responseTime: number) => void): this;
  }
  function autocannon(options: Options): Instance;
  export default autocannon;
}
