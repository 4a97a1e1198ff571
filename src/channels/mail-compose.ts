// Builds the raw RFC 5322 message (multipart/alternative text + HTML, Date, Message-ID, From) with nodemailer's MailComposer.
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type { OutgoingMail } from '../domain/mail-channel.js';

export async function composeMail(mail: OutgoingMail): Promise<Buffer> {
  return new MailComposer({
    from: mail.from,
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    messageId: mail.messageId,
    date: mail.date,
    textEncoding: 'quoted-printable',
  })
    .compile()
    .build();
}
