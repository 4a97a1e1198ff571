// REDIS_KEYS (src/stores/key-layout.ts) spells every key: each builder writes exactly the key the service wrote before
// (existing data and Redis Cluster hash tags stay where they are), and each lands in its owner's listed family.
import { describe, expect, it } from '@jest/globals';
import { DAY_MS, HOUR_MS, KEY_FAMILIES, REDIS_KEYS, keyFamilyOf } from '../../src/stores/key-layout.js';

const K = REDIS_KEYS;
/** [owner group, built key, the key as it was spelled before the layout module built it]. */
const KEYS: [keyof typeof REDIS_KEYS, string, string][] = [
  ['oidc', K.oidc.model('AccessToken', 'tok1'), 'oidc:AccessToken:tok1'],
  ['oidc', K.oidc.uid('Session', 'u1'), 'oidc:uid:Session:u1'],
  ['oidc', K.oidc.userCode('DeviceCode', 'ABCD-EFGH'), 'oidc:userCode:DeviceCode:ABCD-EFGH'],
  ['oidc', K.oidc.grant('g1'), 'oidc:grant:{g1}'],
  ['oidc', K.oidc.grantRevoked('g1'), 'oidc:grant:{g1}:revoked'],
  ['pendingLogin', K.pendingLogin.login('uid1'), 'login:uid1'],
  ['limits', K.limits.lock(K.limits.prefix, 'acct:a1'), 'limit:{acct:a1}:lock'],
  ['limits', K.limits.try(K.limits.prefix, 'ip:192.0.2.1', 7), 'limit:{ip:192.0.2.1}:try:7'],
  ['limits', K.limits.fail(K.limits.prefix, 'id:200001', 7), 'limit:{id:200001}:fail:7'],
  ['approvals', K.approvals.record('ap1'), 'approval:ap1'],
  ['approvals', K.approvals.outcome('ap1'), 'approval:ap1:outcome'],
  ['approvals', K.approvals.resends('ap1'), 'approval:ap1:resends'],
  ['approvals', K.approvals.resendCooldown('ap1'), 'approval:ap1:resend-cooldown'],
  ['approvals', K.approvals.open('a1'), 'approvals:open:a1'],
  ['approvals', K.approvals.slots('a1'), 'approvals:slots:a1'],
  ['approvals', K.approvals.login('uid1'), 'approvals:login:uid1'],
  ['approvals', K.approvals.hourlyCount('a1', 493512), 'approvals:count:a1:493512'],
  ['deviceNonces', K.deviceNonces.nonce('dev1', 'jti1'), 'device-nonce:dev1:jti1'],
  ['enrolments', K.enrolments.enrolment('enr_1'), 'enrolment:enr_1'],
  ['enrolments', K.enrolments.webauthn('enr_1'), 'enrolment:enr_1:webauthn'],
  ['codes', K.codes.code('login', 'uid1'), 'pcode:login:uid1'],
  ['codes', K.codes.tries('c1'), 'pcode:tries:c1'],
  ['codes', K.codes.used('c1'), 'pcode:used:c1'],
  ['codes', K.codes.cool('login', 'flow:uid1'), 'pcode:login:cool:flow:uid1'],
  ['codes', K.codes.count('password', 'acc', 'a1', 'h', 493512), 'pcode:password:n:acc:a1:h493512'],
  ['codes', K.codes.count('mobile_change', 'ip', '192.0.2.1', 'd', 20563), 'pcode:mobile_change:n:ip:192.0.2.1:d20563'],
  ['passwordFlows', K.passwordFlows.flow('f1'), 'pwflow:f1'],
  ['passwordFlows', K.passwordFlows.cool('f1'), 'pwflow:cool:f1'],
  ['mobileChanges', K.mobileChanges.pending('a1'), 'mobilechange:a1'],
  ['mobileChanges', K.mobileChanges.link('t1'), 'mobilechange:link:t1'],
  ...Object.values(K.mailings.mailing('m1')).map((key): [keyof typeof REDIS_KEYS, string, string] => ['mailings', key, key]),
  ['mailings', K.mailings.active(), 'mailings:active'],
  ['mailings', K.mailings.broker('b1'), 'mailings:broker:b1'],
  ['rememberedBrowsers', K.rememberedBrowsers.browser('a1', 'rb1'), 'rb:a1:rb1'],
  ['rememberedBrowsers', K.rememberedBrowsers.index('a1'), 'rb:index:a1'],
  ['accountSessions', K.accountSessions.sessions('a1'), 'acctsess:s:a1'],
  ['accountSessions', K.accountSessions.grants('a1'), 'acctsess:g:a1'],
];

describe('REDIS_KEYS', () => {
  it.each(KEYS)('%s writes %s, byte for byte as before, in a listed family of its owner', (group, built, before) => {
    expect(built).toBe(before);
    expect(keyFamilyOf(built)?.owner).toBe(REDIS_KEYS[group].owner);
  });

  it('a mailing’s keys all carry its hash tag (one Redis Cluster slot)', () => {
    expect(new Set(Object.values(K.mailings.mailing('m1')).map((key) => /\{[^}]+\}/.exec(key)?.[0]))).toEqual(new Set(['{m1}']));
  });

  it('every owner of the list builds its keys here, and every group names a listed owner', () => {
    const owners = new Set(Object.values(REDIS_KEYS).map((group) => group.owner));
    expect(new Set(KEY_FAMILIES.map((family) => family.owner))).toEqual(owners);
  });

  it('keeps the fixed lifetimes the owners used before', () => {
    expect([HOUR_MS, DAY_MS]).toEqual([3_600_000, 86_400_000]);
    expect(K.approvals.keepAfterExpiryMs).toBe(10 * 60_000);
    expect(K.oidc.revokedMarkMinMs).toBe(10 * 60_000);
    expect(K.deviceNonces.ttlMs(120)).toBe(130_000);
    expect(K.mailings.retentionMs).toBe(400 * 24 * 3600_000);
  });
});
