import { describe, expect, it } from 'vitest';
import { cleanFileName } from '../../lib/documents/labels';
import { SNIFF_BYTES, claimedType, refusalMessage, sniffDocument } from '../../lib/documents/sniff';
import { aJpeg, aLinuxProgram, aPdf, aPng, aWindowsProgram } from '../support/documents';

/** Issue 15 item 2: a document's type is read from its first bytes, never its name or declared type. */

const head = (bytes: Uint8Array | number[]) => Uint8Array.from(bytes).subarray(0, SNIFF_BYTES);

describe('sniffDocument: the type from the content', () => {
  it('reads a PDF from "%PDF-", a PNG from its 8-byte signature and a JPEG from FF D8 FF', () => {
    expect(sniffDocument(head(aPdf()))).toEqual({ ok: true, contentType: 'application/pdf' });
    expect(sniffDocument(head(aPng()))).toEqual({ ok: true, contentType: 'image/png' });
    expect(sniffDocument(head(aJpeg()))).toEqual({ ok: true, contentType: 'image/jpeg' });
    // the shortest files that still carry the whole signature
    expect(sniffDocument(Buffer.from('%PDF-'))).toEqual({ ok: true, contentType: 'application/pdf' });
    expect(sniffDocument(Uint8Array.from([0xff, 0xd8, 0xff]))).toEqual({ ok: true, contentType: 'image/jpeg' });
  });

  it('refuses a signature cut short or one byte off', () => {
    expect(sniffDocument(Buffer.from('%PDF')).ok).toBe(false);
    expect(sniffDocument(Buffer.from('%pdf-1.4')).ok).toBe(false);
    expect(sniffDocument(Buffer.from(' %PDF-1.4')).ok).toBe(false);
    expect(sniffDocument(Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0b])).ok).toBe(false);
    expect(sniffDocument(Uint8Array.from([0xff, 0xd8, 0xfe, 0x00])).ok).toBe(false);
    expect(sniffDocument(new Uint8Array(0)).ok).toBe(false);
  });

  it('names what a disguised file is: Windows and Linux programs, scripts, archives, HTML', () => {
    expect(sniffDocument(head(aWindowsProgram()))).toEqual({ ok: false, looksLike: 'a Windows program (it starts with "MZ")' });
    expect(sniffDocument(head(aLinuxProgram()))).toEqual({ ok: false, looksLike: 'a Linux program (ELF)' });
    expect(sniffDocument(Buffer.from('#!/bin/sh\nrm -rf /'))).toEqual({ ok: false, looksLike: 'a script (it starts with "#!")' });
    expect(sniffDocument(Buffer.from('PK\x03\x04\x14\x00\x06\x00', 'latin1'))).toEqual({ ok: false, looksLike: 'a ZIP archive or an Office document' });
    expect(sniffDocument(Buffer.from('<html><script>'))).toEqual({ ok: false, looksLike: 'text (HTML, XML, CSV or a script?)' });
    expect(sniffDocument(Buffer.from('GIF89a\x01\x00', 'latin1'))).toEqual({ ok: false, looksLike: 'a GIF image' });
    expect(sniffDocument(Uint8Array.from([0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07]))).toEqual({ ok: false, looksLike: 'a file of another type' });
  });
});

describe('the refusal in words', () => {
  it('says what the file was named as and what it is, and that nothing was stored', () => {
    expect(refusalMessage('a Windows program (it starts with "MZ")', 'invoice.pdf')).toBe(
      'invoice.pdf is named as a PDF, but its content is a Windows program (it starts with "MZ"): only PDF, PNG and JPEG documents are accepted (the type is read from the file\'s content, not its name). Nothing was stored.',
    );
    expect(refusalMessage('a Linux program (ELF)', 'tool')).toMatch(/^The file is a Linux program \(ELF\): only PDF, PNG and JPEG/);
    expect(refusalMessage('a Linux program (ELF)', null)).toMatch(/^The file is a Linux program \(ELF\)/);
  });

  it('reads the type a name claims by its extension, any case', () => {
    expect(claimedType('POD.PDF')).toBe('application/pdf');
    expect(claimedType('scan.jpeg')).toBe('image/jpeg');
    expect(claimedType('scan.JPG')).toBe('image/jpeg');
    expect(claimedType('photo.png')).toBe('image/png');
    expect(claimedType('setup.exe')).toBeNull();
    expect(claimedType(undefined)).toBeNull();
  });
});

describe('cleanFileName: the name kept for people', () => {
  it('drops folders, control characters and quotes, and names a nameless file by its type', () => {
    expect(cleanFileName('C:\\Users\\ap\\Desktop\\pod 17.pdf', 'application/pdf')).toBe('pod 17.pdf');
    expect(cleanFileName('../../etc/passwd', 'application/pdf')).toBe('passwd');
    expect(cleanFileName('in"voice\u0000\n.png', 'image/png')).toBe('invoice.png');
    expect(cleanFileName('', 'image/jpeg')).toBe('document.jpg');
    expect(cleanFileName('..', 'application/pdf')).toBe('document.pdf');
    expect(cleanFileName(null, 'image/png')).toBe('document.png');
    expect(cleanFileName('Lieferschein Müller.pdf', 'application/pdf')).toBe('Lieferschein Müller.pdf');
    expect([...cleanFileName(`${'é'.repeat(300)}.pdf`, 'application/pdf')]).toHaveLength(255);
  });
});
