import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { closeDatabase } from '../../db/client';
import type { Actor } from '../../lib/auth/actor';
import type { Permission } from '../../lib/auth/permissions';
import { contentPath } from '../../lib/documents/store';
import { initialActionState } from '../../lib/http/action-state';
import { createApiKey } from '../../lib/users';
import { aClient, aDebtor, aFundedInvoice, anInvoice, aTeam, aUser, type Team } from '../support/builders';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { aJpeg, aLinuxProgram, aPdf, aPng, aWindowsProgram, filesUnder, sha256Of } from '../support/documents';

// The route handlers import 'server-only', which refuses to load outside Next's server bundle.
vi.mock('server-only', () => ({}));
vi.mock('next/cache', () => ({ revalidatePath: () => {}, revalidateTag: () => {}, unstable_cache: <T>(fn: T) => fn }));
const session = vi.hoisted(() => ({ actor: null as Actor | null }));
vi.mock('@/lib/auth/session', async () => {
  const { requirePermission } = await import('../../lib/auth/permissions');
  return {
    currentActor: async () => session.actor,
    actionActorFor: async (permission: Permission) => requirePermission(session.actor, permission),
  };
});

/**
 * Issue 15 item 2, through the route handlers with API keys (and the console's upload action):
 * an upload stored under its SHA-256 with its metadata and audit event, read back byte for byte
 * with its content type; the type read from the content; a file over DOCUMENTS_MAX_BYTES or a
 * disguised program refused with nothing stored (the store's folder and the table looked at); the
 * same content stored once; a client user's key reading and listing its own client's documents
 * only (another client's, or a debtor's, is 404) and uploading to its own schedules only.
 */

const MAX = 64 * 1024;
const saved: Record<string, string | undefined> = {};
const setEnv = (name: string, value: string | undefined) => {
  if (!(name in saved)) saved[name] = process.env[name];
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
};
const dir = path.join(mkdtempSync(path.join(tmpdir(), 'holdback-documents-')), 'documents');

let t: TestDatabase;
let team: Team;
let keys: Record<'funding' | 'collections' | 'underwriter' | 'admin' | 'auditor' | 'approver' | 'clientA' | 'clientB', string>;
let clientUserA: Actor;
let ids: { clientA: string; clientB: string; debtor: string; invoiceA: string; invoiceB: string; scheduleA: string; scheduleB: string };

type Handler = (req: Request, ctx: never) => Promise<Response>;
const collection = () => import('../../app/api/v1/documents/route') as unknown as Promise<{ POST: Handler; GET: Handler }>;
const one = () => import('../../app/api/v1/documents/[id]/route') as unknown as Promise<{ GET: Handler }>;

interface Answer {
  status: number;
  body: Record<string, unknown> & { error?: { code: string; message: string; details: Record<string, unknown> } };
}

async function upload(
  key: string,
  query: Record<string, string>,
  body: Uint8Array | ReadableStream<Uint8Array>,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const { POST } = await collection();
  const init: RequestInit & { duplex?: 'half' } = {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/pdf', ...headers },
    body: body as BodyInit,
  };
  if (body instanceof ReadableStream) init.duplex = 'half';
  const res = await POST(new Request(`http://holdback.test/api/v1/documents?${new URLSearchParams(query)}`, init), { params: Promise.resolve({}) } as never);
  return { status: res.status, body: (await res.json()) as Answer['body'] };
}

async function list(key: string, query: Record<string, string>): Promise<Answer> {
  const { GET } = await collection();
  const res = await GET(new Request(`http://holdback.test/api/v1/documents?${new URLSearchParams(query)}`, { headers: { authorization: `Bearer ${key}` } }), {
    params: Promise.resolve({}),
  } as never);
  return { status: res.status, body: (await res.json()) as Answer['body'] };
}

async function download(key: string, id: string, query = ''): Promise<{ status: number; headers: Headers; bytes: Buffer; json: Answer['body'] | null }> {
  const { GET } = await one();
  const res = await GET(new Request(`http://holdback.test/api/v1/documents/${id}${query}`, { headers: { authorization: `Bearer ${key}` } }), {
    params: Promise.resolve({ id }),
  } as never);
  const bytes = Buffer.from(await res.arrayBuffer());
  const json = (res.headers.get('content-type') ?? '').includes('json') ? (JSON.parse(bytes.toString('utf8')) as Answer['body']) : null;
  return { status: res.status, headers: res.headers, bytes, json };
}

const counts = async () => {
  const [row] = await t.database.sql<{ documents: number; uploads: number }[]>`
    select (select count(*)::int from documents) as documents,
           (select count(*)::int from audit_events where action = 'document.upload') as uploads`;
  return row!;
};

/** What a refused upload must leave: the same rows, the same audit events and the same files as before. */
async function expectNothingStored(before: { documents: number; uploads: number }, filesBefore: string[]) {
  expect(await counts()).toEqual(before);
  expect(filesUnder(dir)).toEqual(filesBefore);
  expect(filesUnder(path.join(dir, '.tmp'))).toEqual([]);
}

beforeAll(async () => {
  t = await createTestDatabase();
  setEnv('DATABASE_URL', t.url);
  setEnv('APP_DATABASE_URL', t.appUrl);
  setEnv('DOCUMENTS_DIR', dir);
  setEnv('DOCUMENTS_MAX_BYTES', String(MAX));
  await closeDatabase();
  team = await aTeam(t.database);
  const a = await aClient(t.database, team, { name: 'Alder Freight' });
  const b = await aClient(t.database, team, { name: 'Birch Staffing' });
  const debtor = await aDebtor(t.database, team);
  const invoiceA = await aFundedInvoice(t.database, team, { client: a, debtor, faceValue: '8000.00' });
  const invoiceB = await aFundedInvoice(t.database, team, { client: b, debtor, faceValue: '5000.00' });
  await anInvoice(t.database, team, { client: a, debtor });
  const batchOf = async (invoiceId: string) =>
    (await t.database.sql<{ id: string }[]>`select batch_id::text as id from funding_batch_invoices where invoice_id = ${invoiceId}`)[0]!.id;
  ids = {
    clientA: a.id,
    clientB: b.id,
    debtor: debtor.id,
    invoiceA: invoiceA.id,
    invoiceB: invoiceB.id,
    scheduleA: await batchOf(invoiceA.id),
    scheduleB: await batchOf(invoiceB.id),
  };
  clientUserA = await aUser(t.database, 'client', { clientId: Number(a.id) });
  const clientUserB = await aUser(t.database, 'client', { clientId: Number(b.id) });
  const auditor = await aUser(t.database, 'auditor');
  const keyFor = async (actor: Actor) => (await t.database.transaction((x) => createApiKey(x, actor.userId!, 'documents test', actor))).key;
  keys = {
    funding: await keyFor(team.funding),
    collections: await keyFor(team.collections),
    underwriter: await keyFor(team.underwriter),
    admin: await keyFor(team.admin),
    approver: await keyFor(team.approver),
    auditor: await keyFor(auditor),
    clientA: await keyFor(clientUserA),
    clientB: await keyFor(clientUserB),
  };
}, 120_000);

afterAll(async () => {
  session.actor = null;
  await closeDatabase();
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  rmSync(path.dirname(dir), { recursive: true, force: true });
  await t?.drop();
});

describe('POST /api/v1/documents and GET /api/v1/documents/{id}', () => {
  it('stores a proof of delivery under its SHA-256, records and audits it, and gives back the same bytes with its type', async () => {
    const pdf = aPdf('POD for invoice A');
    const before = await counts();
    const res = await upload(keys.funding, { subjectType: 'invoice', subjectId: ids.invoiceA, kind: 'proof_of_delivery', fileName: 'pod A.pdf' }, pdf);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const sha = sha256Of(pdf);
    expect(res.body).toMatchObject({
      sha256: sha,
      size: pdf.length,
      contentType: 'application/pdf',
      kind: 'proof_of_delivery',
      fileName: 'pod A.pdf',
      subjectType: 'invoice',
      subjectId: ids.invoiceA,
      created: true,
    });
    const id = res.body.id as string;
    expect(res.body.url).toBe(`/api/v1/documents/${id}`);
    // the file, named by its hash
    expect(readFileSync(contentPath(dir, sha)).equals(pdf)).toBe(true);
    // the row
    const [row] = await t.database
      .sql`select subject_type, subject_id::text, client_id::text, kind, file_name, content_type, size::int, sha256, uploaded_by::int, uploaded_by_label
                                         from documents where id = ${id}`;
    expect(row).toEqual({
      subject_type: 'invoice',
      subject_id: ids.invoiceA,
      client_id: ids.clientA,
      kind: 'proof_of_delivery',
      file_name: 'pod A.pdf',
      content_type: 'application/pdf',
      size: pdf.length,
      sha256: sha,
      uploaded_by: team.funding.userId,
      uploaded_by_label: team.funding.label,
    });
    // the audit event, by whom and what
    const [event] = await t.database.sql<{ actor: string; role: string; target_type: string; target_id: string; after: Record<string, unknown> }[]>`
      select actor, role, target_type, target_id, after from audit_events where action = 'document.upload' and target_id = ${id}`;
    expect(event).toMatchObject({ actor: team.funding.label, role: 'funding', target_type: 'document', target_id: id });
    expect(event!.after).toMatchObject({
      subjectType: 'invoice',
      subjectId: ids.invoiceA,
      clientId: ids.clientA,
      sha256: sha,
      size: pdf.length,
      kind: 'proof_of_delivery',
    });
    expect(await counts()).toEqual({ documents: before.documents + 1, uploads: before.uploads + 1 });

    const got = await download(keys.auditor, id);
    expect(got.status).toBe(200);
    expect(got.bytes.equals(pdf)).toBe(true);
    expect(got.headers.get('content-type')).toBe('application/pdf');
    expect(got.headers.get('content-disposition')).toBe('inline; filename="pod A.pdf"');
    expect(got.headers.get('x-content-type-options')).toBe('nosniff');
    expect(got.headers.get('x-document-sha256')).toBe(sha);
    const attachment = await download(keys.auditor, id, '?download=1');
    expect(attachment.headers.get('content-disposition')).toBe('attachment; filename="pod A.pdf"');
  });

  it('reads the type from the content: a PNG sent as "application/pdf" named scan.pdf is stored and served as a PNG', async () => {
    const png = aPng(12, 9, [200, 40, 40]);
    const res = await upload(keys.collections, { subjectType: 'invoice', subjectId: ids.invoiceA, kind: 'invoice_image', fileName: 'scan.pdf' }, png, {
      'content-type': 'application/pdf',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.contentType).toBe('image/png');
    const got = await download(keys.funding, res.body.id as string);
    expect(got.headers.get('content-type')).toBe('image/png');
    expect(got.bytes.equals(png)).toBe(true);
  });

  it('refuses an executable renamed invoice.pdf (and an ELF program) with a clear message, storing nothing', async () => {
    const before = await counts();
    const files = filesUnder(dir);
    const exe = await upload(keys.funding, { subjectType: 'invoice', subjectId: ids.invoiceA, fileName: 'invoice.pdf' }, aWindowsProgram());
    expect(exe.status).toBe(415);
    expect(exe.body.error!.code).toBe('unsupported_document_type');
    expect(exe.body.error!.message).toBe(
      'invoice.pdf is named as a PDF, but its content is a Windows program (it starts with "MZ"): only PDF, PNG and JPEG documents are accepted (the type is read from the file\'s content, not its name). Nothing was stored.',
    );
    const elf = await upload(keys.funding, { subjectType: 'client', subjectId: ids.clientA, fileName: 'agreement.pdf' }, aLinuxProgram());
    expect(elf.status).toBe(415);
    expect(elf.body.error!.message).toContain('its content is a Linux program (ELF)');
    await expectNothingStored(before, files);
  });

  it('refuses a file over DOCUMENTS_MAX_BYTES while it streams (no Content-Length) and when declared, storing nothing', async () => {
    const before = await counts();
    const files = filesUnder(dir);
    const big = Buffer.concat([aPdf(), Buffer.alloc(4 * MAX, 0x20)]);
    let offset = 0;
    let pulled = 0;
    const stream = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          if (offset >= big.length) return controller.close();
          pulled += 1;
          controller.enqueue(big.subarray(offset, offset + 4096));
          offset += 4096;
        },
      },
      { highWaterMark: 0 },
    );
    const streamed = await upload(keys.funding, { subjectType: 'invoice', subjectId: ids.invoiceA, fileName: 'big.pdf' }, stream);
    expect(streamed.status).toBe(413);
    expect(streamed.body.error!.code).toBe('document_too_large');
    expect(streamed.body.error!.message).toBe('The file is larger than 64 KB, the most a document may be (DOCUMENTS_MAX_BYTES); nothing was stored');
    // 64 KB are 16 chunks of 4 KB: the 17th passed the limit, and the other 48 were never read (a few more may sit in the request's buffer)
    expect(pulled).toBeGreaterThanOrEqual(17);
    expect(pulled).toBeLessThan(24);
    const declared = await upload(keys.funding, { subjectType: 'invoice', subjectId: ids.invoiceA }, big, { 'content-length': String(big.length) });
    expect(declared.status).toBe(413);
    expect(declared.body.error!.code).toBe('document_too_large');
    await expectNothingStored(before, files);
  });

  it('refuses an empty body and a bad query, naming the field, storing nothing', async () => {
    const before = await counts();
    const files = filesUnder(dir);
    const empty = await upload(keys.funding, { subjectType: 'invoice', subjectId: ids.invoiceA }, new Uint8Array(0));
    expect(empty.status).toBe(400);
    expect(empty.body.error!.code).toBe('empty_document');
    const bad = await upload(keys.funding, { subjectType: 'payment', subjectId: ids.invoiceA }, aPdf());
    expect(bad.status).toBe(400);
    expect(bad.body.error!.details).toEqual({ subjectType: 'Subject type must be one of: Invoice, Schedule (funding batch), Client, Debtor' });
    const kind = await upload(keys.funding, { subjectType: 'invoice', subjectId: ids.invoiceA, kind: 'selfie' }, aPdf());
    expect(kind.status).toBe(400);
    expect(Object.keys(kind.body.error!.details)).toEqual(['kind']);
    const unknown = await upload(keys.funding, { subjectType: 'invoice', subjectId: '999999' }, aPdf());
    expect(unknown.status).toBe(404);
    expect(unknown.body.error!.message).toBe('Invoice 999999 not found');
    await expectNothingStored(before, files);
  });

  it('stores the same content once: attached to a second subject it is a new document on the same file; on the same subject again it is the first document', async () => {
    const pdf = aPdf('Signed master agreement');
    const sha = sha256Of(pdf);
    const first = await upload(keys.underwriter, { subjectType: 'client', subjectId: ids.clientA, kind: 'signed_agreement', fileName: 'agreement.pdf' }, pdf);
    expect(first.status).toBe(201);
    const before = await counts();
    const other = await upload(keys.underwriter, { subjectType: 'debtor', subjectId: ids.debtor, kind: 'other', fileName: 'copy.pdf' }, pdf);
    expect(other.status).toBe(201);
    expect(other.body.id).not.toBe(first.body.id);
    expect(other.body.sha256).toBe(sha);
    expect(await counts()).toEqual({ documents: before.documents + 1, uploads: before.uploads + 1 });
    // one file for the two documents
    expect(filesUnder(dir).filter((f) => f.endsWith(sha))).toEqual([path.join(sha.slice(0, 2), sha.slice(2, 4), sha)]);
    const again = await upload(keys.admin, { subjectType: 'client', subjectId: ids.clientA, kind: 'other', fileName: 'agreement (1).pdf' }, pdf);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ id: first.body.id, created: false, fileName: 'agreement.pdf', kind: 'signed_agreement' });
    expect(await counts()).toEqual({ documents: before.documents + 1, uploads: before.uploads + 1 });
    // the store keeps the file whatever happened: the table is append-only
    await expect(t.database.sql`delete from documents where id = ${first.body.id as string}`).rejects.toThrow();
  });

  it('lets funding, underwriting, collections, administrators and client users upload; not approvers or auditors', async () => {
    const before = await counts();
    for (const role of ['approver', 'auditor'] as const) {
      const res = await upload(keys[role], { subjectType: 'invoice', subjectId: ids.invoiceA }, aJpeg(role));
      expect(res.status, role).toBe(403);
      expect(res.body.error!.code).toBe('forbidden');
    }
    expect(await counts()).toEqual(before);
  });
});

describe("a client user's documents", () => {
  let staffDocA: string;
  let staffDocB: string;
  let debtorDoc: string;
  let ownSchedule: string;

  beforeAll(async () => {
    staffDocA = (await upload(keys.funding, { subjectType: 'schedule', subjectId: ids.scheduleA, kind: 'schedule' }, aPdf('Schedule A'))).body.id as string;
    staffDocB = (await upload(keys.funding, { subjectType: 'invoice', subjectId: ids.invoiceB, kind: 'invoice_image' }, aJpeg('B'))).body.id as string;
    debtorDoc = (await upload(keys.collections, { subjectType: 'debtor', subjectId: ids.debtor, kind: 'other' }, aJpeg('debtor letter'))).body.id as string;
  });

  it('uploads to its own schedule, and reads and lists its own client’s documents', async () => {
    const signed = aPdf('Schedule A signed by Alder');
    const res = await upload(keys.clientA, { subjectType: 'schedule', subjectId: ids.scheduleA, fileName: 'schedule-signed.pdf' }, signed);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.kind).toBe('schedule');
    ownSchedule = res.body.id as string;
    const [row] = await t.database.sql`select client_id::text, uploaded_by::int from documents where id = ${ownSchedule}`;
    expect(row).toEqual({ client_id: ids.clientA, uploaded_by: clientUserA.userId });
    expect((await download(keys.clientA, staffDocA)).status).toBe(200);
    expect((await download(keys.clientA, ownSchedule)).bytes.equals(signed)).toBe(true);
    const listed = await list(keys.clientA, { subjectType: 'schedule', subjectId: ids.scheduleA });
    expect(listed.status).toBe(200);
    expect((listed.body.items as { id: string }[]).map((d) => d.id)).toEqual([ownSchedule, staffDocA]);
    expect(listed.body.total).toBe(2);
    // the invoice's documents: the ones uploaded by staff above
    const invoiceDocs = await list(keys.clientA, { subjectType: 'invoice', subjectId: ids.invoiceA });
    expect(invoiceDocs.status).toBe(200);
    expect((invoiceDocs.body.items as { fileName: string }[]).map((d) => d.fileName)).toEqual(['scan.pdf', 'pod A.pdf']);
  });

  it("cannot read or list another client's documents, or a debtor's: 404, as an unknown id", async () => {
    for (const id of [staffDocB, debtorDoc]) {
      const res = await download(keys.clientA, id);
      expect(res.status).toBe(404);
      expect(res.json!.error).toEqual({ code: 'not_found', message: `Document ${id} not found`, details: {} });
    }
    expect((await download(keys.clientB, staffDocA)).status).toBe(404);
    expect((await download(keys.clientB, ownSchedule)).status).toBe(404);
    const lists = [
      [keys.clientA, 'invoice', ids.invoiceB, 'Invoice'],
      [keys.clientA, 'schedule', ids.scheduleB, 'Schedule'],
      [keys.clientA, 'client', ids.clientB, 'Client'],
      [keys.clientA, 'debtor', ids.debtor, 'Debtor'],
      [keys.clientB, 'schedule', ids.scheduleA, 'Schedule'],
    ] as const;
    for (const [key, subjectType, subjectId, what] of lists) {
      const res = await list(key, { subjectType, subjectId });
      expect(res.status, `${subjectType} ${subjectId}`).toBe(404);
      expect(res.body.error!.message).toBe(`${what} ${subjectId} not found`);
    }
    // staff read them all
    expect((await download(keys.auditor, staffDocB)).status).toBe(200);
    expect((await list(keys.auditor, { subjectType: 'debtor', subjectId: ids.debtor })).body.total).toBe(2);
  });

  it("uploads nothing to another client's schedule (404) nor to anything but its schedules (403)", async () => {
    const before = await counts();
    const files = filesUnder(dir);
    const other = await upload(keys.clientB, { subjectType: 'schedule', subjectId: ids.scheduleA }, aPdf('not mine'));
    expect(other.status).toBe(404);
    expect(other.body.error!.message).toBe(`Schedule ${ids.scheduleA} not found`);
    const invoice = await upload(keys.clientA, { subjectType: 'invoice', subjectId: ids.invoiceA }, aPdf('invoice by client'));
    expect(invoice.status).toBe(403);
    expect(invoice.body.error!.message).toBe('A client user uploads documents to its own schedules only');
    const client = await upload(keys.clientA, { subjectType: 'client', subjectId: ids.clientA }, aPdf('client by client'));
    expect(client.status).toBe(403);
    await expectNothingStored(before, files);
  });
});

describe('the console and portal upload (server action)', () => {
  const form = (fields: Record<string, string>, file?: File) => {
    const data = new FormData();
    for (const [k, v] of Object.entries(fields)) data.set(k, v);
    if (file) data.set('file', file);
    return data;
  };

  it('uploads the chosen file through the same command, and says what was attached where', async () => {
    const { uploadDocumentAction } = await import('../../app/_components/documents/actions');
    session.actor = team.funding;
    const png = aPng(20, 20);
    const state = await uploadDocumentAction(
      initialActionState,
      form({ subjectType: 'invoice', subjectId: ids.invoiceA, kind: 'invoice_image' }, new File([new Uint8Array(png)], 'invoice-A.png', { type: 'image/png' })),
    );
    expect(state).toMatchObject({ ok: true });
    expect(state.message).toMatch(/^invoice-A\.png \(invoice image, PNG image, \d+ bytes\) is attached to Invoice INV-[0-9a-f]+\.$/);
    const [row] = await t.database.sql`select kind, file_name, sha256 from documents where sha256 = ${sha256Of(png)}`;
    expect(row).toEqual({ kind: 'invoice_image', file_name: 'invoice-A.png', sha256: sha256Of(png) });
  });

  it('refuses a disguised program, a form without a file, and a client user uploading to another client’s schedule — storing nothing', async () => {
    const { uploadDocumentAction } = await import('../../app/_components/documents/actions');
    const before = await counts();
    const files = filesUnder(dir);
    session.actor = team.funding;
    const exe = await uploadDocumentAction(
      initialActionState,
      form(
        { subjectType: 'invoice', subjectId: ids.invoiceA, kind: 'proof_of_delivery' },
        new File([new Uint8Array(aWindowsProgram())], 'pod.pdf', { type: 'application/pdf' }),
      ),
    );
    expect(exe.ok).toBe(false);
    expect(exe.message).toContain('pod.pdf is named as a PDF, but its content is a Windows program');
    expect(exe.values).toMatchObject({ kind: 'proof_of_delivery' });
    const none = await uploadDocumentAction(initialActionState, form({ subjectType: 'invoice', subjectId: ids.invoiceA, kind: 'proof_of_delivery' }));
    expect(none).toMatchObject({ ok: false, message: 'File: choose the document to upload (a PDF, PNG or JPEG)', errors: { file: 'choose a file' } });
    session.actor = clientUserA;
    const foreign = await uploadDocumentAction(
      initialActionState,
      form(
        { subjectType: 'schedule', subjectId: ids.scheduleB, kind: 'schedule' },
        new File([new Uint8Array(aPdf('x'))], 'x.pdf', { type: 'application/pdf' }),
      ),
    );
    expect(foreign).toMatchObject({ ok: false, message: `Schedule ${ids.scheduleB} not found` });
    await expectNothingStored(before, files);
  });
});

describe("a page's Documents section of a subject the page has read", () => {
  it('names the subject as the documents read would (client, invoice, debtor) and lists the same documents without reading it again', async () => {
    const { knownSubject, resolveSubject, subjectDocuments } = await import('../../lib/documents');
    const [invoice] = await t.admin.sql<{ number: string }[]>`select number from invoices where id = ${ids.invoiceA}`;
    const [debtor] = await t.admin.sql<{ name: string }[]>`select name from debtors where id = ${ids.debtor}`;
    const cases = [
      ['client', ids.clientA, ids.clientA, 'Alder Freight'],
      ['invoice', ids.invoiceA, ids.clientA, invoice!.number],
      ['debtor', ids.debtor, null, debtor!.name],
    ] as const;
    for (const [type, id, clientId, label] of cases) {
      const resolved = await resolveSubject(t.database, type, Number(id), team.funding);
      const known = knownSubject(type, Number(id), clientId, label);
      expect(known, type).toEqual(resolved);
      const read = await subjectDocuments(t.database, type, Number(id), team.funding);
      const given = await subjectDocuments(t.database, type, Number(id), team.funding, { subject: known });
      expect(given, type).toEqual(read);
    }
  });
});
