// This browser's enrolled accounts in IndexedDB (database 'financeident', store 'accounts' keyed by deviceId).
// The device's private key is kept as a non-extractable CryptoKey: it can sign, but never leaves this browser.

/** The account store: list() (oldest first), save(account), forget(deviceId). The database opens on first use. */
export function openAccountStore() {
  let dbPromise = null;
  function db() {
    if (!dbPromise) {
      dbPromise = new Promise((resolve, reject) => {
        const request = indexedDB.open('financeident', 1);
        request.onupgradeneeded = () => request.result.createObjectStore('accounts', { keyPath: 'deviceId' });
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
    }
    return dbPromise;
  }

  async function store(mode, action) {
    const database = await db();
    return new Promise((resolve, reject) => {
      const tx = database.transaction('accounts', mode);
      const request = action(tx.objectStore('accounts'));
      tx.oncomplete = () => resolve(request ? request.result : undefined);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  }

  return {
    list: async () => ((await store('readonly', (s) => s.getAll())) || []).sort((a, b) => a.createdAt - b.createdAt),
    save: (account) => store('readwrite', (s) => s.put(account)),
    forget: (deviceId) => store('readwrite', (s) => s.delete(deviceId)),
  };
}
