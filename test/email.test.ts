import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { startTestPlatform, type TestPlatform } from './helpers/platform.js';
import { body, header } from './helpers/mail.js';
import { createUnit, createUser, login, waitFor, type Client } from './helpers/fixtures.js';
import { upsertInboxTask } from '../domain/inbox/store.js';
import { Mailer } from '../domain/notifications/email.js';

interface Captured {
  from: string;
  user: unknown;
  to: string[];
  raw: string;
}

/**
 * E-mail notifications through SMTP. The SMTP server is the one stand-in of this suite: smtp-server plays
 * the mail server outside the machine and captures what arrives; the platform, database and broker are real.
 */
describe('e-mail notifications (SMTP_URL)', () => {
  let p: TestPlatform;
  let smtp: SMTPServer;
  let smtpUrl: string;
  const received: Captured[] = [];
  let leader: Client;
  let officer: Client;
  const email = `can.bo.${randomBytes(3).toString('hex')}@example.gov.vn`;
  const keyBase = 7_000_000_000_000_000n + BigInt(Math.floor(Math.random() * 1e9)) * 1000n;
  let seq = 0;
  let unit: string;

  async function heldTask(name: string): Promise<string> {
    const key = String(keyBase + BigInt(++seq));
    await upsertInboxTask(p.db, {
      jobKey: key,
      processInstanceKey: String(keyBase + 500n + BigInt(seq)),
      elementInstanceKey: key,
      processDefinitionKey: '1',
      bpmnProcessId: `mail-${randomBytes(3).toString('hex')}`,
      processVersion: 1,
      elementId: 'Step',
      name,
      assignee: officer.user.username,
      candidateGroups: [unit],
      candidateUsers: [],
      dueDate: null,
      formKey: null,
      variables: {},
    });
    return key;
  }

  const notificationOf = (key: string) => p.db('notifications').where({ task_key: key, kind: 'task_urged' }).first('id', 'recipient', 'emailed_at');

  beforeAll(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      allowInsecureAuth: true,
      logger: false,
      onAuth(auth, _session, callback) {
        // the credentials of SMTP_URL reach the server
        if (auth.username === 'mailer' && auth.password === 'secret') callback(null, { user: auth.username });
        else callback(new Error('Invalid username or password'));
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          received.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            user: session.user,
            to: session.envelope.rcptTo.map((r) => r.address),
            raw: Buffer.concat(chunks).toString('utf8'),
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    smtpUrl = `smtp://mailer:secret@127.0.0.1:${(smtp.server.address() as AddressInfo).port}`;
    p = await startTestPlatform({ runtime: false, config: { smtpUrl, smtpFrom: 'Một cửa điện tử <no-reply@example.gov.vn>' } });
    unit = await createUnit(p.db, { name: 'Phòng thư' });
    leader = await login(p.app, await createUser(p.db, { roles: ['leader'], unitCode: unit }));
    officer = await login(p.app, await createUser(p.db, { roles: ['officer'], unitCode: unit, fullName: 'Nguyễn Thị Hà' }));
    await p.db('users').where({ username: officer.user.username }).update({ email });
  });

  afterAll(async () => {
    await p?.close();
    await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
  });

  it('an urge reaches the holder by e-mail (Vietnamese, UTF-8) after commit, once', async () => {
    const key = await heldTask('Thẩm định hồ sơ đất đai');
    const r = await leader.post(`/api/tasks/${key}/urge`, { message: 'Đề nghị hoàn thành trước 17 giờ hôm nay' });
    expect(r.status).toBe(200);

    const mail = await waitFor(async () => received.find((m) => m.to.includes(email)), 'the e-mail');
    expect(mail.from).toBe('no-reply@example.gov.vn');
    expect(mail.user).toBe('mailer');
    expect(header(mail.raw, 'To')).toContain(email);
    expect(header(mail.raw, 'Subject')).toBe('Đôn đốc: Thẩm định hồ sơ đất đai');
    expect(header(mail.raw, 'Content-Type')).toMatch(/text\/plain; charset=utf-8/i);
    expect(body(mail.raw)).toContain('Đề nghị hoàn thành trước 17 giờ hôm nay');

    const n = await waitFor(async () => {
      const row = await notificationOf(key);
      return row?.emailed_at ? row : undefined;
    }, 'emailed_at');
    expect(n.recipient).toBe(officer.user.username);

    // Idempotent per notification: sending the same id again sends nothing.
    const before = received.length;
    const again = new Mailer(p.db, { url: smtpUrl, from: 'no-reply@example.gov.vn' }, p.app.log);
    again.send(String(n.id));
    await again.close();
    expect(received.length).toBe(before);
  });

  it('e-mails notices the engine writes itself (deadline reminders) through the sweep', async () => {
    const { insertNotices } = await import('../domain/deadlines/store.js');
    const subject = `Sắp đến hạn: bước thử ${Date.now()}`;
    await insertNotices(p.db, [
      { recipient: officer.user.username, kind: 'step_reminder', subject, body: 'Bước sắp đến hạn xử lý.', taskKey: '1', processInstanceKey: '1' },
    ]);
    const mail = await waitFor(async () => received.find((m) => header(m.raw, 'Subject') === subject), 'the reminder e-mail', 40_000, 500);
    expect(header(mail.raw, 'To')).toContain(email);
    // the sweep marks the notice after the server accepted the mail: wait for that state, not the moment between
    const row = await waitFor(async () => {
      const r = await p.db('notifications').where({ subject }).first('emailed_at');
      return r?.emailed_at ? r : undefined;
    }, 'emailed_at of the reminder');
    expect(row.emailed_at).not.toBeNull();
  });

  it('with the mail server down the urge still succeeds in-app, and emailed_at stays null', async () => {
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
    const count = received.length;
    const key = await heldTask('Ký duyệt quyết định');
    const r = await leader.post(`/api/tasks/${key}/urge`, { message: 'Khẩn' });
    expect(r.status).toBe(200);
    const row = await notificationOf(key);
    expect(row).toBeTruthy();
    const bell = await officer.get('/api/notifications');
    expect(bell.body.items.some((x: { id: string }) => x.id === String(row!.id))).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 1500)); // the first attempt fails (refused), a retry waits
    expect((await notificationOf(key))!.emailed_at).toBeNull();
    expect(received.length).toBe(count);
  });
});
