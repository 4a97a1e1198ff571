// Mailing templates (placeholders, escaping, edit and reset per broker) and the runner's crash rules, on memory stores
// with a channel that fails on purpose: a connection failure sends nothing (the recipient waits for the next pass), a
// failure after the hand-over is "unknown" and never retried by itself, a refusal is "failed".
import { describe, expect, it } from '@jest/globals';
import { type MailChannel, MailSendError, type OutgoingMail } from '../../../src/domain/mail-channel.js';
import { MemoryMailSink } from '../../../src/channels/memory-mail-sink.js';
import { checkPlaceholders, fillText, toHtml } from '../../../src/services/broker/mailing-templates.js';
import { MailingRunner } from '../../../src/services/broker/mailing-runner.js';
import { ManualClock } from '../../../src/shared/clock.js';
import { cryptoRandom } from '../../../src/shared/random.js';
import type { Mailing } from '../../../src/domain/mailing.js';
import { MemoryMailingStore } from '../../../src/stores/memory/mailings.js';

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

describe('mailing templates', () => {
  it('fills placeholders; HTML escapes text and values and links only the guide', () => {
    const values = { salutation: 'Guten Tag <b>X</b>', name: 'X', accessNumber: '1', brokerName: 'A & B', guideLink: 'https://example.de/guide?a=1&b=2' };
    const text = '{{salutation}},\n\nTippen Sie <hier>: {{guideLink}}\n{{ brokerName }}';
    expect(fillText(text, values)).toBe('Guten Tag <b>X</b>,\n\nTippen Sie <hier>: https://example.de/guide?a=1&b=2\nA & B');
    const html = toHtml(text, values);
    expect(html).toContain('<p>Guten Tag &lt;b&gt;X&lt;/b&gt;,</p>');
    expect(html).toContain('Tippen Sie &lt;hier&gt;: <a href="https://example.de/guide?a=1&amp;b=2">https://example.de/guide?a=1&amp;b=2</a><br>');
    expect(html).toContain('A &amp; B');
    expect(toHtml('{{guideLink}}', { guideLink: 'javascript:alert(1)' })).not.toContain('<a ');
  });

  it('refuses an unknown placeholder with its name', () => {
    expect(() => checkPlaceholders('Hallo {{vorname}}')).toThrow(expect.objectContaining({ code: 'mailing.unknownPlaceholder', params: { name: 'vorname' } }));
    expect(() => checkPlaceholders('Hallo {{name}} {{accessNumber}}')).not.toThrow();
  });
});

const mailing: Mailing = { id: 'ml_test', brokerId: 'b1', templateId: 'rollout-with-mobile', subject: 'Hallo {{name}}', text: '{{salutation}}', filter: {}, brokerName: 'B', guideLink: 'https://g', createdBy: 'b1', createdAt: 1 };
const recipients = ['a', 'b', 'c'].map((x, i) => ({ accountId: `acc_${x}`, accessNumber: String(i), name: `Kunde ${x}`, email: `${x}@example.de` }));

function runner(store: MemoryMailingStore, channel: MailChannel, clock = new ManualClock()) {
  return new MailingRunner({ store, channel, clock, random: cryptoRandom, log: silent, from: 'f@x.de', messageIdDomain: 'x.de', leaseMs: 30_000, pollMs: 60_000 });
}

describe('MailingRunner', () => {
  it('sends each recipient once, personalised, with a stable Message-ID', async () => {
    const clock = new ManualClock();
    const store = new MemoryMailingStore(clock);
    const sink = new MemoryMailSink(clock);
    await store.create(mailing, recipients);
    const r = runner(store, sink, clock);
    await r.tick();
    await r.tick();
    expect(sink.list().map((m) => [m.to, m.subject, m.messageId]).reverse()).toEqual([
      ['a@example.de', 'Hallo Kunde a', '<ml_test.acc_a@x.de>'],
      ['b@example.de', 'Hallo Kunde b', '<ml_test.acc_b@x.de>'],
      ['c@example.de', 'Hallo Kunde c', '<ml_test.acc_c@x.de>'],
    ]);
    expect(await store.counts('ml_test')).toMatchObject({ sent: 3, pending: 0 });
  });

  it('a server that cannot be reached sends nothing: the recipient waits; later it goes out once', async () => {
    const clock = new ManualClock();
    const store = new MemoryMailingStore(clock);
    await store.create(mailing, recipients.slice(0, 1));
    const down: MailChannel = { send: async () => Promise.reject(new MailSendError('ECONNECTION', false, false)) };
    await runner(store, down, clock).tick();
    expect(await store.counts('ml_test')).toMatchObject({ pending: 1, sent: 0, failed: 0 });
    const sink = new MemoryMailSink(clock);
    await runner(store, sink, clock).tick();
    expect(sink.list()).toHaveLength(1);
  });

  it('a failure after the hand-over is "unknown" and not sent again; a refusal is "failed" with its reason', async () => {
    const clock = new ManualClock();
    const store = new MemoryMailingStore(clock);
    await store.create(mailing, recipients.slice(0, 2));
    const sent: string[] = [];
    const flaky: MailChannel = {
      async send(mail: OutgoingMail, beforeTransmit) {
        if (!(await beforeTransmit())) return { transmitted: false };
        sent.push(mail.to);
        if (mail.to === 'a@example.de') throw new MailSendError('ESOCKET', true, false);
        throw new MailSendError('smtp 550', false, true);
      },
    };
    const r = runner(store, flaky, clock);
    await r.tick();
    await r.tick();
    expect(sent).toEqual(['a@example.de', 'b@example.de']);
    const list = await store.recipients('ml_test');
    expect(list.map((x) => [x.state, x.error])).toEqual([['unknown', 'ESOCKET'], ['failed', 'smtp 550']]);
    expect(await store.active()).toEqual([]);
  });

  it('does not touch a mailing another runner holds', async () => {
    const clock = new ManualClock();
    const store = new MemoryMailingStore(clock);
    await store.create(mailing, recipients);
    expect(await store.lease('ml_test', 'someone-else', 30_000)).toBe(true);
    const sink = new MemoryMailSink(clock);
    await runner(store, sink, clock).tick();
    expect(sink.list()).toHaveLength(0);
    clock.advance(30_001);
    await runner(store, sink, clock).tick();
    expect(sink.list()).toHaveLength(3);
  });
});
