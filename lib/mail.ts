import nodemailer, { type Transporter } from 'nodemailer';

export interface MailTransportOptions {
  /** smtp://user:pass@host:587 (or smtps://) */
  url: string;
  /** From address */
  from: string;
}

export interface MailRecipient {
  name?: string;
  address: string;
}

/**
 * The SMTP transport (nodemailer): one per process is enough, shared by whoever sends mail (the staff
 * notifications, the citizens' notices). It knows nothing of our tables; the callers decide what to
 * send and when to retry.
 */
export class MailTransport {
  private readonly transport: Transporter;

  constructor(private readonly opts: MailTransportOptions) {
    // Short timeouts: a sender may hold a row lock while it sends.
    this.transport = nodemailer.createTransport({ url: opts.url, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 });
  }

  /** Sends one plain-text e-mail (UTF-8, base64) from the configured sender. Throws when the server refuses; the caller retries. */
  async sendText(to: MailRecipient, subject: string, text: string): Promise<void> {
    await this.transport.sendMail({
      from: this.opts.from,
      to: to.name ? { name: to.name, address: to.address } : to.address,
      subject,
      text,
      textEncoding: 'base64',
    });
  }

  close(): void {
    this.transport.close();
  }
}
