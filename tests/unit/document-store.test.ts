import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { DomainError } from '../../lib/errors';
import { contentPath, documentMaxBytes, documentsDir, storeContent } from '../../lib/documents/store';
import { aPdf, aPng, aWindowsProgram, filesUnder, sha256Of } from '../support/documents';

/**
 * Issue 15 item 2: the content-addressed store on its own (no database): a file is written under
 * its SHA-256 through a temporary file and a rename, the same content is stored once, and a file
 * refused for its type, its size or a broken stream leaves nothing behind.
 */

const root = mkdtempSync(path.join(tmpdir(), 'holdback-doc-store-'));
let dir: string;
let n = 0;
beforeEach(() => {
  n += 1;
  dir = path.join(root, `store-${n}`);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A stream of `bytes` in chunks of `size`, counting how many chunks were pulled. */
function chunked(bytes: Uint8Array, size: number): { stream: ReadableStream<Uint8Array>; pulled: () => number } {
  let offset = 0;
  let pulled = 0;
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (offset >= bytes.length) return controller.close();
        pulled += 1;
        controller.enqueue(bytes.subarray(offset, offset + size));
        offset += size;
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, pulled: () => pulled };
}

async function refusal(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
}

describe('storeContent', () => {
  it('stores the bytes under their SHA-256 (ab/cd/abcd…) with the type read from the content', async () => {
    const pdf = aPdf('Signed schedule 14');
    const stored = await storeContent(chunked(pdf, 7).stream, { dir, maxBytes: 1_000_000, fileName: 'schedule.pdf' });
    const sha = sha256Of(pdf);
    expect(stored).toEqual({ sha256: sha, size: pdf.length, contentType: 'application/pdf', created: true });
    expect(filesUnder(dir)).toEqual([path.join(sha.slice(0, 2), sha.slice(2, 4), sha)]);
    expect(readFileSync(contentPath(dir, sha)).equals(pdf)).toBe(true);
  });

  it('stores the same content once: the second copy finds its name taken', async () => {
    const png = aPng(8, 8);
    const first = await storeContent(chunked(png, 64).stream, { dir, maxBytes: 1_000_000 });
    const second = await storeContent(chunked(png, 5).stream, { dir, maxBytes: 1_000_000 });
    expect(first.created).toBe(true);
    expect(second).toEqual({ ...first, created: false });
    expect(filesUnder(dir)).toEqual([path.join(first.sha256.slice(0, 2), first.sha256.slice(2, 4), first.sha256)]);
  });

  it('cuts a file the moment it passes the limit, reading no further, and leaves nothing (not even a temporary file)', async () => {
    const big = Buffer.concat([aPdf(), Buffer.alloc(1_000_000, 0x20)]);
    const source = chunked(big, 10_000);
    const error = await refusal(storeContent(source.stream, { dir, maxBytes: 50_000 }));
    expect(error.code).toBe('document_too_large');
    expect(error.status).toBe(413);
    expect(error.message).toContain('nothing was stored');
    // 50,000 bytes are 5 chunks of 10,000: the sixth passes the limit, and the other 95 are never read
    expect(source.pulled()).toBe(6);
    expect(filesUnder(dir)).toEqual([]);
  });

  it('accepts a file of exactly the limit', async () => {
    const pdf = aPdf();
    const stored = await storeContent(chunked(pdf, 100).stream, { dir, maxBytes: pdf.length });
    expect(stored.size).toBe(pdf.length);
  });

  it('refuses a disguised program before writing a byte', async () => {
    const error = await refusal(storeContent(chunked(aWindowsProgram(), 3).stream, { dir, maxBytes: 1_000_000, fileName: 'invoice.pdf' }));
    expect(error.code).toBe('unsupported_document_type');
    expect(error.status).toBe(415);
    expect(error.message).toContain('invoice.pdf is named as a PDF, but its content is a Windows program');
    expect(filesUnder(dir)).toEqual([]);
  });

  it('refuses an empty file', async () => {
    const error = await refusal(storeContent(chunked(new Uint8Array(0), 10).stream, { dir, maxBytes: 1_000 }));
    expect(error.code).toBe('empty_document');
    expect(filesUnder(dir)).toEqual([]);
  });

  it('leaves no partial file when the stream breaks half way (a dropped connection)', async () => {
    const pdf = Buffer.concat([aPdf(), Buffer.alloc(50_000, 0x20)]);
    let sent = 0;
    const broken = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 3) return controller.error(new Error('connection reset'));
        controller.enqueue(pdf.subarray(sent * 1000, (sent + 1) * 1000));
        sent += 1;
      },
    });
    await expect(storeContent(broken, { dir, maxBytes: 1_000_000 })).rejects.toThrow('connection reset');
    expect(filesUnder(dir)).toEqual([]);
  });
});

describe('the store from the environment', () => {
  it('is DOCUMENTS_DIR (default .data/documents) and DOCUMENTS_MAX_BYTES (default 10 MB, kb/mb accepted)', () => {
    expect(documentsDir({})).toBe(path.resolve('.data/documents'));
    expect(documentsDir({ DOCUMENTS_DIR: '/srv/holdback/documents' })).toBe('/srv/holdback/documents');
    expect(documentMaxBytes({})).toBe(10 * 1024 * 1024);
    expect(documentMaxBytes({ DOCUMENTS_MAX_BYTES: '256kb' })).toBe(256 * 1024);
    expect(documentMaxBytes({ DOCUMENTS_MAX_BYTES: 'lots' })).toBe(10 * 1024 * 1024);
  });
});
