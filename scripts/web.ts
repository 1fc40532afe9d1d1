/**
 * Holdback's production web server (issue 11): Next's request handler behind a plain node:http
 * server that first makes every request safe to hand over —
 *   - X-Forwarded-For: the caller's header is replaced by the socket's peer (TRUST_PROXY unset)
 *     or the peer is appended (TRUST_PROXY=N), so lib/http/client-ip.ts reads a true address;
 *     X-Real-IP and, without trusted proxies, X-Forwarded-Host/-Proto/-Port are dropped;
 *   - X-Request-Id: kept when short and plain, else a fresh UUID (it lands in the audit log);
 *   - body limits: 413 before Next reads anything (JSON 1 MB, imports 20 MB, server actions 20 MB, documents 10 MB;
 *     lib/http/limits.ts), a declared Content-Length at once, a chunked body when it passes the limit;
 *   - a server action from a foreign Origin: 403 (Next would answer 500);
 *   - security headers on every answer (lib/http/edge.ts);
 *   - SIGTERM/SIGINT: stop accepting, finish what is in flight, close the pools, exit.
 * `npm start` runs it (scripts/start.ts); `npm run web` alone after a build.
 *
 * WEB_PROCESSES=N (or `auto`: one per core): N such servers on the one port (node:cluster, the
 * primary hands connections round-robin), each with its own Next instance and pool. Rendering a
 * page is JavaScript on one thread, so one process uses one core however many the machine has.
 * A server that dies stops the rest (scripts/start.ts then stops Holdback, as for one process).
 */
import cluster from 'node:cluster';
import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { IncomingMessage, type ServerResponse, createServer } from 'node:http';
import { closeDatabase } from '../db/client';
import { closeQueues } from '../jobs/queues';
import { trustedProxyHops } from '../lib/http/client-ip';
import { SECURITY_HEADERS, allowedOriginHosts, forwardedFor, originAllowed, requestHost } from '../lib/http/edge';
import { bodyKindOf, bodyLimits, humanSize, isServerActionRequest } from '../lib/http/limits';
import { boundedRequestId } from '../lib/http/request';
import { webProcesses } from '../lib/http/web-processes';
import { closeHealthChecks } from '../lib/health';
import { ROOT, loadEnvLocal } from './env';

loadEnvLocal();
// As `next start`: production React and Next (set before Next is loaded, below).
Object.assign(process.env, { NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1' });
const port = Number(process.env.PORT || 3000);
const bindAddress = process.env.BIND_ADDRESS || undefined;
const hops = trustedProxyHops();
const limits = bodyLimits();
const allowedOrigins = allowedOriginHosts();
/** How long in-flight requests get to finish after SIGTERM (scripts/start.ts kills at 35 s). */
const shutdownGraceMs = Number(process.env.SHUTDOWN_GRACE_MS || 25_000);
/** What is read and thrown away after a 413 (so the client reads the answer, not a reset), at most. */
const DRAIN_MAX_BYTES = 128 * 1024 * 1024;
const DRAIN_MAX_MS = 15_000;

type Headers = IncomingMessage['headers'];
const header = (headers: Headers, name: string): string | undefined => {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
};
const getter = (headers: Headers) => ({ get: (name: string) => header(headers, name.toLowerCase()) ?? null });

function pathnameOf(url: string | undefined): string {
  const raw = (url ?? '/').split('?')[0] ?? '/';
  return raw.startsWith('/') ? raw : '/';
}

/** Rewrites the request's own headers before Next (or anything else) reads them. */
function sanitize(req: IncomingMessage, res: ServerResponse): string {
  const requestId = boundedRequestId(header(req.headers, 'x-request-id'));
  req.headers['x-request-id'] = requestId;
  res.setHeader('X-Request-Id', requestId);
  const xff = forwardedFor(req.headers['x-forwarded-for'], req.socket.remoteAddress, hops);
  if (xff) req.headers['x-forwarded-for'] = xff;
  else delete req.headers['x-forwarded-for'];
  delete req.headers['x-real-ip'];
  delete req.headers['forwarded'];
  if (hops === 0) {
    // Nobody in front of us is trusted to say which host or scheme the caller used.
    delete req.headers['x-forwarded-host'];
    delete req.headers['x-forwarded-proto'];
    delete req.headers['x-forwarded-port'];
  }
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
  return requestId;
}

function refuse(res: ServerResponse, pathname: string, status: 403 | 413, code: string, message: string, details: Record<string, unknown>): void {
  if (res.headersSent) return;
  const api = pathname.startsWith('/api/');
  const body = api ? JSON.stringify({ error: { code, message, details } }) : `${message}\n`;
  res.statusCode = status;
  res.setHeader('Content-Type', api ? 'application/json; charset=utf-8' : 'text/plain; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.setHeader('Cache-Control', 'no-store');
  res.end(body);
}

/**
 * After refusing a body, read the rest and throw it away: closing a socket with unread data makes
 * the kernel send a reset, and the client would lose the 413. Bounded in bytes and time.
 */
function drain(req: IncomingMessage): void {
  let drained = 0;
  const timer = setTimeout(() => req.socket.destroy(), DRAIN_MAX_MS);
  timer.unref();
  req.removeAllListeners('data');
  req.on('data', (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > DRAIN_MAX_BYTES) req.socket.destroy();
  });
  req.once('end', () => clearTimeout(timer));
  req.once('close', () => clearTimeout(timer));
  req.resume();
}

function tooLarge(req: IncomingMessage, res: ServerResponse, pathname: string, limit: number): void {
  refuse(res, pathname, 413, 'payload_too_large', `The request body is larger than ${humanSize(limit)}; nothing was read or changed`, { limit });
  drain(req);
}

/** Reads the whole body, or answers 413 as soon as it passes `limit` (then resolves null). */
function readBody(req: IncomingMessage, res: ServerResponse, pathname: string, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const onData = (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limit) {
        done = true;
        chunks.length = 0;
        req.off('data', onData);
        tooLarge(req, res, pathname, limit);
        resolve(null);
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => {
      if (done) return;
      done = true;
      resolve(Buffer.concat(chunks, size));
    });
    req.once('error', (error) => {
      if (done) return;
      done = true;
      reject(error);
    });
  });
}

/**
 * The request Next is given once its body has been read within the limit: the same method,
 * URL, headers and socket, with the body replayed from memory.
 */
function replay(req: IncomingMessage, body: Buffer): IncomingMessage {
  const copy = new IncomingMessage(req.socket);
  copy.method = req.method;
  copy.url = req.url;
  copy.httpVersion = req.httpVersion;
  copy.httpVersionMajor = req.httpVersionMajor;
  copy.httpVersionMinor = req.httpVersionMinor;
  const headers: Headers = { ...req.headers, 'content-length': String(body.length) };
  delete headers['transfer-encoding'];
  copy.headers = headers;
  copy.rawHeaders = Object.entries(headers).flatMap(([k, v]) => (Array.isArray(v) ? v.flatMap((x) => [k, x]) : v === undefined ? [] : [k, v]));
  copy.push(body);
  copy.push(null);
  copy.complete = true;
  return copy;
}

function hasBody(req: IncomingMessage): boolean {
  const length = header(req.headers, 'content-length');
  return (length !== undefined && length !== '0') || header(req.headers, 'transfer-encoding') !== undefined;
}

async function main(): Promise<void> {
  const { default: next } = await import('next');
  const app = next({ dev: false, dir: ROOT, hostname: 'localhost', port });
  await app.prepare();
  const handle = app.getRequestHandler();
  let stopping = false;

  const onRequest = async (req: IncomingMessage, res: ServerResponse) => {
    const pathname = pathnameOf(req.url);
    try {
      sanitize(req, res);
      if (stopping) res.setHeader('Connection', 'close');
      const method = req.method ?? 'GET';
      const headers = getter(req.headers);

      if (isServerActionRequest(method, pathname, headers) && !originAllowed(header(req.headers, 'origin'), requestHost(req.headers, hops), allowedOrigins)) {
        refuse(res, pathname, 403, 'forbidden_origin', 'This form was sent from another site; open Holdback itself and try again', {});
        if (hasBody(req)) drain(req);
        return;
      }

      if (!hasBody(req)) {
        await handle(req, res);
        return;
      }
      const limit = limits[bodyKindOf(method, pathname, headers)];
      const declared = header(req.headers, 'content-length');
      if (declared !== undefined && (!/^\d+$/.test(declared) || Number(declared) > limit)) {
        tooLarge(req, res, pathname, limit);
        return;
      }
      const body = await readBody(req, res, pathname, limit);
      if (body === null) return;
      await handle(replay(req, body), res);
    } catch (error) {
      console.error(`[web] ${req.method} ${pathname}:`, error instanceof Error ? error.message : error);
      if (!res.headersSent) {
        res.statusCode = 500;
        res.setHeader('Content-Type', 'text/plain; charset=utf-8');
        res.end(`Something went wrong on our side (request ${header(req.headers, 'x-request-id') ?? randomUUID()})\n`);
      } else res.destroy();
    }
  };
  const server = createServer(onRequest);
  // `Expect: 100-continue` with a body over the limit: refuse before the client sends it.
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    const pathname = pathnameOf(req.url);
    const declared = header(req.headers, 'content-length');
    const limit = limits[bodyKindOf(req.method ?? 'POST', pathname, getter(req.headers))];
    if (declared !== undefined && /^\d+$/.test(declared) && Number(declared) > limit) {
      // The client has not sent the body and will not: answer, then close the connection.
      sanitize(req, res);
      res.setHeader('Connection', 'close');
      refuse(res, pathname, 413, 'payload_too_large', `The request body is larger than ${humanSize(limit)}; nothing was read or changed`, { limit });
      return;
    }
    res.writeContinue();
    void onRequest(req, res);
  });
  // A request (its headers and body) must arrive within two minutes; idle keep-alives close sooner.
  server.requestTimeout = 120_000;
  server.headersTimeout = 30_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, bindAddress, () => resolve());
  });
  console.log(
    `[web] listening on ${bindAddress ?? '*'}:${port} (trusted proxies: ${hops}; body limits: JSON ${humanSize(limits.json)}, imports ${humanSize(limits.import)}, server actions ${humanSize(limits.action)}, documents ${humanSize(limits.document)})`,
  );

  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`[web] ${signal}: finishing requests in flight, then stopping`);
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    const grace = setTimeout(() => server.closeAllConnections(), shutdownGraceMs);
    grace.unref();
    await closed;
    clearTimeout(grace);
    await Promise.allSettled([app.close(), closeDatabase(), closeQueues(), closeHealthChecks()]);
    console.log('[web] stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

/** The cluster's primary: starts the servers, passes SIGTERM/SIGINT on, and stops all when one dies. */
function primary(count: number): void {
  let stopping = false;
  let code = 0;
  const stopAll = (signal: NodeJS.Signals) => {
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill(signal);
  };
  cluster.on('exit', (worker, exitCode, signal) => {
    if (!stopping) {
      console.error(`[web] server ${worker.process.pid} stopped (${signal ?? `exit ${exitCode}`}); stopping the others`);
      stopping = true;
      code = 1;
      stopAll('SIGTERM');
    }
    if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(code);
  });
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    stopAll(signal);
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  console.log(`[web] ${count} servers on port ${port} (WEB_PROCESSES)`);
  for (let i = 0; i < count; i += 1) cluster.fork();
}

let processes = 1;
try {
  processes = webProcesses(process.env.WEB_PROCESSES, availableParallelism());
} catch (error) {
  console.error(`[web] ${error instanceof Error ? error.message : error}`);
  process.exit(1);
}
if (processes > 1 && cluster.isPrimary) primary(processes);
else {
  main().catch((error) => {
    console.error('[web] failed to start:', error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
