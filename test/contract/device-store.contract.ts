// The device store contract: every DeviceStore implementation must pass these same tests.
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { Device, DeviceStore } from '../../src/domain/device.js';

export interface DeviceStoreHandle {
  store: DeviceStore;
  close(): Promise<void>;
}

function device(id: string, overrides: Partial<Device> = {}): Device {
  return {
    id,
    accountId: 'acc1',
    publicKeyJwk: { kty: 'EC', crv: 'P-256', x: `x-${id}`, y: `y-${id}` },
    webauthn: null,
    pushSubscription: null,
    name: `Phone ${id}`,
    platform: 'ios',
    osVersion: '17.4',
    createdAt: 1_000,
    lastUsedAt: null,
    ...overrides,
  };
}

function pwaDevice(id: string, overrides: Partial<Device> = {}): Device {
  return device(id, {
    platform: 'web',
    osVersion: '',
    webauthn: { credentialId: `cred-${id}`, publicKey: `pk-${id}`, counter: 0, transports: ['internal', 'hybrid'] },
    pushSubscription: {
      endpoint: `https://push.example.test/${id}`,
      keys: { p256dh: `p256dh-${id}`, auth: `auth-${id}` },
    },
    ...overrides,
  });
}

const subscription = { endpoint: 'https://push.example.test/new', keys: { p256dh: 'p256dh-new', auth: 'auth-new' } };

const sortById = (devices: Device[]): Device[] => [...devices].sort((a, b) => a.id.localeCompare(b.id));

export function deviceStoreContract(name: string, makeStore: () => Promise<DeviceStoreHandle>): void {
  describe(name, () => {
    let handle: DeviceStoreHandle;
    let store: DeviceStore;

    beforeEach(async () => {
      handle = await makeStore();
      store = handle.store;
    });
    afterEach(async () => {
      await handle.close();
    });

    describe('add and get', () => {
      it('stores every field of native and PWA devices, null for an unknown id', async () => {
        const native = device('n', { lastUsedAt: 2_000 });
        const pwa = pwaDevice('p');
        const noTransports = pwaDevice('t', { webauthn: { credentialId: 'cred-t', publicKey: 'pk-t', counter: 7 } });
        await store.add(native);
        await store.add(pwa);
        await store.add(noTransports);

        expect(await store.get('n')).toStrictEqual(native);
        expect(await store.get('p')).toStrictEqual(pwa);
        expect(await store.get('t')).toStrictEqual(noTransports);
        expect(await store.get('unknown')).toBeNull();
      });

      it('rejects a duplicate id and keeps the first device', async () => {
        await store.add(device('a'));
        await expect(store.add(device('a', { accountId: 'acc2' }))).rejects.toThrow();
        expect(await store.get('a')).toStrictEqual(device('a'));
      });
    });

    describe('listByAccount', () => {
      it("lists only that account's devices", async () => {
        await store.add(device('a1'));
        await store.add(pwaDevice('a2'));
        await store.add(device('b1', { accountId: 'acc2' }));

        expect(sortById(await store.listByAccount('acc1'))).toStrictEqual([device('a1'), pwaDevice('a2')]);
        expect(await store.listByAccount('acc2')).toStrictEqual([device('b1', { accountId: 'acc2' })]);
        expect(await store.listByAccount('nobody')).toEqual([]);
      });
    });

    describe('accountsWithDevices', () => {
      it('returns the given accounts that have at least one device', async () => {
        await store.add(device('a1'));
        await store.add(device('a2'));
        await store.add(device('b1', { accountId: 'acc2' }));
        await store.add(device('c1', { accountId: 'acc3' }));

        expect(await store.accountsWithDevices(['acc1', 'acc2', 'acc4'])).toEqual(new Set(['acc1', 'acc2']));
        expect(await store.accountsWithDevices(['acc4'])).toEqual(new Set());
        expect(await store.accountsWithDevices([])).toEqual(new Set());
      });
    });

    describe('update', () => {
      it('sets and clears the push subscription', async () => {
        await store.add(device('a'));

        const set = await store.update('a', { pushSubscription: subscription });
        expect(set).toStrictEqual(device('a', { pushSubscription: subscription }));
        expect(await store.get('a')).toStrictEqual(device('a', { pushSubscription: subscription }));

        expect(await store.update('a', { pushSubscription: null })).toStrictEqual(device('a'));
        expect(await store.get('a')).toStrictEqual(device('a'));
      });

      it('sets lastUsedAt and the name, leaving other fields and devices alone', async () => {
        await store.add(pwaDevice('a'));
        await store.add(pwaDevice('b'));

        const expected = pwaDevice('a', { lastUsedAt: 5_000, name: 'Renamed' });
        expect(await store.update('a', { lastUsedAt: 5_000, name: 'Renamed' })).toStrictEqual(expected);
        expect(await store.get('a')).toStrictEqual(expected);
        expect(await store.get('b')).toStrictEqual(pwaDevice('b'));
      });

      it('sets the WebAuthn counter and nothing else of the credential', async () => {
        await store.add(pwaDevice('a'));

        const updated = await store.update('a', { webauthnCounter: 42, lastUsedAt: 6_000 });
        const base = pwaDevice('a');
        const expected = { ...base, lastUsedAt: 6_000, webauthn: { ...base.webauthn!, counter: 42 } };
        expect(updated).toStrictEqual(expected);
        expect(await store.get('a')).toStrictEqual(expected);
      });

      it('rejects a WebAuthn counter for a device without a credential and changes nothing', async () => {
        await store.add(device('a'));

        await expect(store.update('a', { webauthnCounter: 1, name: 'Renamed' })).rejects.toThrow();
        expect(await store.get('a')).toStrictEqual(device('a'));
      });

      it('returns the device unchanged for an empty patch', async () => {
        await store.add(pwaDevice('a'));
        expect(await store.update('a', {})).toStrictEqual(pwaDevice('a'));
      });

      it('returns null for an unknown id and creates nothing', async () => {
        expect(await store.update('unknown', { lastUsedAt: 5_000 })).toBeNull();
        expect(await store.update('unknown', { webauthnCounter: 3 })).toBeNull();
        expect(await store.get('unknown')).toBeNull();
      });
    });

    describe('remove', () => {
      it('removes once, then reports nothing to remove', async () => {
        await store.add(device('a'));
        await store.add(device('b'));

        expect(await store.remove('a')).toBe(true);
        expect(await store.remove('a')).toBe(false);
        expect(await store.get('a')).toBeNull();
        expect(await store.listByAccount('acc1')).toStrictEqual([device('b')]);
        expect(await store.remove('unknown')).toBe(false);
      });

      it('drops the account from accountsWithDevices with its last device', async () => {
        await store.add(device('a'));
        await store.remove('a');
        expect(await store.accountsWithDevices(['acc1'])).toEqual(new Set());
      });
    });

    describe('copies', () => {
      it('keeps no reference to the added device', async () => {
        const added = pwaDevice('a');
        await store.add(added);
        added.name = 'changed';
        (added.publicKeyJwk as { x: string }).x = 'changed';
        added.webauthn!.counter = 99;
        added.webauthn!.transports!.push('usb');
        added.pushSubscription!.keys.auth = 'changed';

        expect(await store.get('a')).toStrictEqual(pwaDevice('a'));
      });

      it('hands out copies from get, listByAccount and update', async () => {
        await store.add(pwaDevice('a'));

        const mutate = (d: Device | null | undefined) => {
          d!.name = 'changed';
          (d!.publicKeyJwk as { x: string }).x = 'changed';
          d!.webauthn!.counter = 99;
          d!.webauthn!.transports!.push('usb');
          d!.pushSubscription!.keys.auth = 'changed';
        };
        mutate(await store.get('a'));
        mutate((await store.listByAccount('acc1'))[0]);
        mutate(await store.update('a', { lastUsedAt: 5_000 }));

        expect(await store.get('a')).toStrictEqual(pwaDevice('a', { lastUsedAt: 5_000 }));
      });

      it('keeps no reference to a patched push subscription', async () => {
        await store.add(device('a'));
        const patch = structuredClone(subscription);
        await store.update('a', { pushSubscription: patch });
        patch.keys.auth = 'changed';

        expect((await store.get('a'))?.pushSubscription).toStrictEqual(subscription);
      });
    });
  });
}
