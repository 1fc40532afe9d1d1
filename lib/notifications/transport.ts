import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';

/** A file sent with an email (the rebate advice's PDF): built when the email is sent, never stored in the outbox. */
export interface MailAttachment {
  filename: string;
  content: Buffer;
  contentType: string;
}

export interface OutgoingMail {
  id: number;
  to: string;
  subject: string;
  html: string;
  text: string;
  attachments?: MailAttachment[];
}

export interface MailTransport {
  describe: string;
  send(mail: OutgoingMail): Promise<{ messageId: string }>;
  close(): void;
}

export const MAIL_FROM = () => process.env.MAIL_FROM || 'Holdback <no-reply@holdback.local>';
export const mailDirectory = () => process.env.MAIL_DIR || path.join(process.cwd(), '.data', 'mail');

/** The message nodemailer sends, the same for SMTP and for an .eml file. */
const message = (mail: OutgoingMail) => ({
  from: MAIL_FROM(),
  to: mail.to,
  subject: mail.subject,
  html: mail.html,
  text: mail.text,
  attachments: mail.attachments,
});

/**
 * API.md: `SMTP_URL` when set; otherwise each message is written as an .eml file under
 * `.data/mail/` (and shown in the console's outbox) so nothing is lost on a machine without mail.
 */
export function createTransport(smtpUrl: string | null = process.env.SMTP_URL || null): MailTransport {
  if (smtpUrl) {
    const transporter = nodemailer.createTransport(smtpUrl);
    return {
      describe: `SMTP ${new URL(smtpUrl).host}`,
      async send(mail) {
        const info = await transporter.sendMail(message(mail));
        return { messageId: String(info.messageId) };
      },
      close: () => transporter.close(),
    };
  }
  const dir = mailDirectory();
  const transporter = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    describe: `files in ${dir}`,
    async send(mail) {
      const info = await transporter.sendMail(message(mail));
      await mkdir(dir, { recursive: true });
      await writeFile(path.join(dir, `${String(mail.id).padStart(8, '0')}.eml`), info.message as Buffer);
      return { messageId: String(info.messageId) };
    },
    close: () => transporter.close(),
  };
}
