import { DOCUMENT_TYPE_NAMES, type DocumentContentType } from './labels';

/**
 * Issue 15 item 2: a document's type is read from its first bytes — never from its name or the
 * content type the sender declared, both of which the sender chooses. Pure: tested byte by byte
 * (tests/unit/document-sniff.test.ts).
 *
 *   PDF   25 50 44 46 2D            "%PDF-"
 *   PNG   89 50 4E 47 0D 0A 1A 0A   the PNG signature
 *   JPEG  FF D8 FF                  start of image + the first marker
 *
 * Anything else is refused; what it looks like instead (a Windows or Linux program, a script, a
 * ZIP or Office file, HTML…) is named, so a person learns why their "invoice.pdf" was refused.
 */

/** How many bytes `sniffDocument` needs to decide (fewer only when the whole file is shorter). */
export const SNIFF_BYTES = 8;

const SIGNATURES: readonly { type: DocumentContentType; bytes: readonly number[] }[] = [
  { type: 'application/pdf', bytes: [0x25, 0x50, 0x44, 0x46, 0x2d] },
  { type: 'image/png', bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  { type: 'image/jpeg', bytes: [0xff, 0xd8, 0xff] },
];

/** Well-known content that is refused, named in a person's words. */
const DISGUISES: readonly { what: string; bytes: readonly number[] }[] = [
  { what: 'a Windows program (it starts with "MZ")', bytes: [0x4d, 0x5a] },
  { what: 'a Linux program (ELF)', bytes: [0x7f, 0x45, 0x4c, 0x46] },
  { what: 'a macOS program (Mach-O)', bytes: [0xcf, 0xfa, 0xed, 0xfe] },
  { what: 'a macOS program (Mach-O)', bytes: [0xce, 0xfa, 0xed, 0xfe] },
  { what: 'a macOS or Java program', bytes: [0xca, 0xfe, 0xba, 0xbe] },
  { what: 'a script (it starts with "#!")', bytes: [0x23, 0x21] },
  { what: 'a ZIP archive or an Office document', bytes: [0x50, 0x4b, 0x03, 0x04] },
  { what: 'an old Office document', bytes: [0xd0, 0xcf, 0x11, 0xe0] },
  { what: 'a GIF image', bytes: [0x47, 0x49, 0x46, 0x38] },
  { what: 'a RAR archive', bytes: [0x52, 0x61, 0x72, 0x21] },
  { what: 'a 7-Zip archive', bytes: [0x37, 0x7a, 0xbc, 0xaf] },
  { what: 'a gzip archive', bytes: [0x1f, 0x8b] },
  { what: 'a TIFF image', bytes: [0x49, 0x49, 0x2a, 0x00] },
  { what: 'a TIFF image', bytes: [0x4d, 0x4d, 0x00, 0x2a] },
];

const startsWith = (head: Uint8Array, bytes: readonly number[]) => head.length >= bytes.length && bytes.every((b, i) => head[i] === b);

export type Sniffed = { ok: true; contentType: DocumentContentType } | { ok: false; looksLike: string };

/** The document type of a file from its first bytes (at least `SNIFF_BYTES` of them, or the whole file). */
export function sniffDocument(head: Uint8Array): Sniffed {
  for (const s of SIGNATURES) if (startsWith(head, s.bytes)) return { ok: true, contentType: s.type };
  for (const d of DISGUISES) if (startsWith(head, d.bytes)) return { ok: false, looksLike: d.what };
  return { ok: false, looksLike: looksLikeText(head) ? 'text (HTML, XML, CSV or a script?)' : 'a file of another type' };
}

/** Printable ASCII and whitespace only (after an optional UTF-8 byte-order mark). */
function looksLikeText(head: Uint8Array): boolean {
  const start = startsWith(head, [0xef, 0xbb, 0xbf]) ? 3 : 0;
  if (head.length <= start) return false;
  for (let i = start; i < head.length; i++) {
    const b = head[i]!;
    if (!(b === 0x09 || b === 0x0a || b === 0x0d || (b >= 0x20 && b < 0x7f))) return false;
  }
  return true;
}

/** The type a file name claims, by its extension (for the message only: the name never decides). */
export function claimedType(fileName: string | null | undefined): DocumentContentType | null {
  const ext = /\.([a-z0-9]{1,5})$/i.exec(fileName ?? '')?.[1]?.toLowerCase();
  if (ext === 'pdf') return 'application/pdf';
  if (ext === 'png') return 'image/png';
  if (ext === 'jpg' || ext === 'jpeg') return 'image/jpeg';
  return null;
}

/** Why a file was refused, in a person's words: what it is, what it was named as, and what is accepted. */
export function refusalMessage(looksLike: string, fileName?: string | null): string {
  const claimed = claimedType(fileName);
  const named = fileName && claimed ? `${fileName} is named as a ${DOCUMENT_TYPE_NAMES[claimed]}, but its content is ${looksLike}` : `The file is ${looksLike}`;
  return `${named}: only PDF, PNG and JPEG documents are accepted (the type is read from the file's content, not its name). Nothing was stored.`;
}
