import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { DomainError } from '../errors';
import { bodyLimits, humanSize } from '../http/limits';
import type { DocumentContentType } from './labels';
import { SNIFF_BYTES, refusalMessage, sniffDocument } from './sniff';

/**
 * Issue 15 item 2: the document store — file contents addressed by their SHA-256 under
 * `DOCUMENTS_DIR` (default `.data/documents`), as `ab/cd/abcd…` (two levels of 256 folders keep
 * any one folder small). The metadata lives in Postgres (`documents`, lib/documents/index.ts).
 *
 * A file arrives as a stream and is checked while it streams: its first bytes decide its type
 * before anything is written (a disguised type stores nothing), and it is cut the moment it passes
 * `DOCUMENTS_MAX_BYTES` (an oversized file leaves nothing behind). It is written to a temporary
 * file in `.tmp/` on the same disk, flushed, and only then renamed into place — a rename is atomic,
 * so a crash leaves either the whole file or none of it under its name. The same content twice is
 * stored once: the second copy finds its name taken and is dropped.
 */

export function documentsDir(env: Record<string, string | undefined> = process.env): string {
  return path.resolve(env.DOCUMENTS_DIR?.trim() || '.data/documents');
}

/** `DOCUMENTS_MAX_BYTES` (bytes, or with a kb/mb suffix), default 10 MB — the web server refuses a larger body at the same size (lib/http/limits.ts). */
export function documentMaxBytes(env: Record<string, string | undefined> = process.env): number {
  return bodyLimits(env).document;
}

const SHA256 = /^[0-9a-f]{64}$/;
const TEMP = '.tmp';

/** Where a content lives: `<dir>/ab/cd/abcd…`. */
export function contentPath(dir: string, sha256: string): string {
  if (!SHA256.test(sha256)) throw new Error(`not a SHA-256: ${sha256}`);
  return path.join(dir, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
}

export interface StoredContent {
  sha256: string;
  size: number;
  contentType: DocumentContentType;
  /** false: the same content was stored before (nothing new written) */
  created: boolean;
}

export function documentTooLarge(maxBytes: number): DomainError {
  return new DomainError(
    'document_too_large',
    `The file is larger than ${humanSize(maxBytes)}, the most a document may be (DOCUMENTS_MAX_BYTES); nothing was stored`,
    { status: 413, details: { file: `larger than ${humanSize(maxBytes)}`, limit: maxBytes } },
  );
}

export function emptyDocument(): DomainError {
  return new DomainError('empty_document', 'The file is empty; choose the document to upload. Nothing was stored', {
    status: 400,
    details: { file: 'the file is empty' },
  });
}

export function disguisedDocument(looksLike: string, fileName?: string | null): DomainError {
  return new DomainError('unsupported_document_type', refusalMessage(looksLike, fileName), {
    status: 415,
    details: { file: `not a PDF, PNG or JPEG: ${looksLike}` },
  });
}

type Source = ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;

function chunksOf(source: Source): { next: () => Promise<Uint8Array | null>; cancel: () => Promise<void> } {
  if (typeof (source as ReadableStream<Uint8Array>).getReader === 'function') {
    const reader = (source as ReadableStream<Uint8Array>).getReader();
    return {
      next: async () => {
        const { done, value } = await reader.read();
        return done ? null : value;
      },
      cancel: () => reader.cancel().catch(() => {}),
    };
  }
  const it = (source as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
  return {
    next: async () => {
      const r = await it.next();
      return r.done ? null : r.value;
    },
    cancel: async () => {
      await it.return?.().catch(() => {});
    },
  };
}

async function fsyncDir(dir: string): Promise<void> {
  // A rename is durable once its folder is flushed; where a folder cannot be opened for that (not Linux), the rename stands.
  const handle = await open(dir, 'r').catch(() => null);
  if (!handle) return;
  try {
    await handle.sync().catch(() => {});
  } finally {
    await handle.close();
  }
}

let swept = false;

/** Temporary files a crashed process left behind (older than a day) are removed, once per process. */
async function sweepTemp(tempDir: string): Promise<void> {
  if (swept) return;
  swept = true;
  const names = await readdir(tempDir).catch(() => [] as string[]);
  const dayAgo = Date.now() - 24 * 60 * 60 * 1000;
  for (const name of names) {
    const file = path.join(tempDir, name);
    const info = await stat(file).catch(() => null);
    if (info && info.isFile() && info.mtimeMs < dayAgo) await unlink(file).catch(() => {});
  }
}

/**
 * Stores a file's content: its type read from its first bytes, its size checked as it streams,
 * its SHA-256 computed on the way; written to a temporary file, flushed and renamed into place.
 * Refused (nothing stored, no temporary file left): an empty file (400), one of another type
 * (415, naming what it looks like), one over `maxBytes` (413, cut as soon as it passes).
 */
export async function storeContent(source: Source, options: { dir?: string; maxBytes?: number; fileName?: string | null } = {}): Promise<StoredContent> {
  const dir = options.dir ?? documentsDir();
  const maxBytes = options.maxBytes ?? documentMaxBytes();
  const chunks = chunksOf(source);
  let handle: FileHandle | null = null;
  let tempFile: string | null = null;
  try {
    // The first bytes decide the type before anything is written.
    const head: Uint8Array[] = [];
    let headBytes = 0;
    while (headBytes < SNIFF_BYTES) {
      const chunk = await chunks.next();
      if (chunk === null) break;
      if (chunk.byteLength === 0) continue;
      head.push(chunk);
      headBytes += chunk.byteLength;
      if (headBytes > maxBytes) throw documentTooLarge(maxBytes);
    }
    if (headBytes === 0) throw emptyDocument();
    const first = Buffer.concat(head);
    const sniffed = sniffDocument(first.subarray(0, SNIFF_BYTES));
    if (!sniffed.ok) throw disguisedDocument(sniffed.looksLike, options.fileName);

    const tempDir = path.join(dir, TEMP);
    await mkdir(tempDir, { recursive: true });
    void sweepTemp(tempDir);
    tempFile = path.join(tempDir, `${randomUUID()}.part`);
    handle = await open(tempFile, 'wx', 0o640);
    const hash = createHash('sha256');
    let size = 0;
    const write = async (chunk: Uint8Array) => {
      size += chunk.byteLength;
      if (size > maxBytes) throw documentTooLarge(maxBytes);
      hash.update(chunk);
      let offset = 0;
      while (offset < chunk.byteLength) {
        const { bytesWritten } = await handle!.write(chunk, offset, chunk.byteLength - offset);
        offset += bytesWritten;
      }
    };
    await write(first);
    for (let chunk = await chunks.next(); chunk !== null; chunk = await chunks.next()) await write(chunk);
    await handle.sync();
    await handle.close();
    handle = null;

    const sha256 = hash.digest('hex');
    const target = contentPath(dir, sha256);
    const existing = await stat(target).catch(() => null);
    if (existing && existing.isFile() && existing.size === size) {
      await unlink(tempFile);
      tempFile = null;
      return { sha256, size, contentType: sniffed.contentType, created: false };
    }
    await mkdir(path.dirname(target), { recursive: true });
    await rename(tempFile, target);
    tempFile = null;
    await fsyncDir(path.dirname(target));
    return { sha256, size, contentType: sniffed.contentType, created: true };
  } catch (error) {
    await chunks.cancel();
    throw error;
  } finally {
    if (handle) await handle.close().catch(() => {});
    if (tempFile) await unlink(tempFile).catch(() => {});
  }
}

/** A stored content as a stream, or 503 when the store has lost it (the metadata outlived the file). */
export async function openContent(sha256: string, dir: string = documentsDir()): Promise<ReadableStream<Uint8Array>> {
  const file = contentPath(dir, sha256);
  const info = await stat(file).catch(() => null);
  if (!info || !info.isFile()) {
    throw new DomainError(
      'document_unavailable',
      'The document is recorded but its file is missing from the document store (DOCUMENTS_DIR); tell an administrator',
      {
        status: 503,
      },
    );
  }
  return Readable.toWeb(createReadStream(file)) as ReadableStream<Uint8Array>;
}
