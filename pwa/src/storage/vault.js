// The store's lock: the data key that seals records, outbox, photos and the session, held only in
// this context's memory while unlocked. On disk (meta "vault") lie only the key wrapped under the
// worker's password and, once set, under their PIN; a service worker the browser has stopped
// comes back locked.
//
// Wrong secrets are counted on disk before each attempt is tried (so parallel guesses count too);
// the MAX_FAILURES-th wipes the phone's data.

import { newDataKey, open, openBytes, seal, sealBytes, unwrapWith, wrapUnder, PBKDF2_ITERATIONS } from './crypto.js';

export const MAX_FAILURES = 5;
export const DEFAULT_LOCK_MINUTES = 5;
export const LOCK_CHOICES = [1, 2, 5, 10, 15, 30];

/** Something needed the data key while the store is locked. */
export class Locked extends Error {
  constructor() {
    super('the store is locked');
    this.name = 'Locked';
  }
}

// Opened values kept while unlocked, keyed by their IV (unique per sealing, so one IV is one
// plaintext): reopening a screen does not decrypt its records again. Dropped with the key.
const CACHE_LIMIT = 20000;

const ivKey = (iv) => String.fromCharCode(...iv);

/** The in-memory key holder shared by the parts of one store. */
export function createKeyring() {
  let key = null;
  let opened = new Map();
  const current = () => {
    if (!key) throw new Locked();
    return key;
  };
  return {
    set(value) {
      key = value;
      opened = new Map();
    },
    isOpen: () => key !== null,
    current,
    seal: (value) => seal(current(), value),
    open: (box) => open(current(), box),
    /** A sealed record's fields, from the cache when this box was opened before (a shallow copy). */
    async openFields(box) {
      const id = ivKey(box.iv);
      const hit = opened.get(id);
      if (hit) return { ...hit };
      const cache = opened;
      const fields = await open(current(), box);
      if (cache === opened) {
        if (opened.size >= CACHE_LIMIT) opened.clear();
        opened.set(id, fields);
      }
      return { ...fields };
    },
    sealBytes: (bytes) => sealBytes(current(), bytes),
    openBytes: (box) => openBytes(current(), box),
  };
}

const PIN = /^\d{6}$/;

/** Whether `pin` is a PIN the app accepts: six digits. */
export const isPin = (pin) => PIN.test(String(pin ?? ''));

/** The lock part of a store, on a connection from connect() and its keyring. */
export function vaultApi({ db, run }, keyring, { wipe, iterations = PBKDF2_ITERATIONS } = {}) {
  const readVault = async () => (await (await db()).get('meta', 'vault'))?.value ?? null;
  const writeVault = async (vault) => (await db()).put('meta', { key: 'vault', value: vault });

  async function failures() {
    return (await (await db()).get('meta', 'unlock_failures'))?.value ?? 0;
  }

  // Count the attempt before trying it; returns the count including this one.
  function countAttempt() {
    return run(['meta'], 'readwrite', async (tx) => {
      const meta = tx.objectStore('meta');
      const n = ((await meta.get('unlock_failures'))?.value ?? 0) + 1;
      await meta.put({ key: 'unlock_failures', value: n });
      return n;
    });
  }

  return {
    /** 'none' (never signed in, or wiped), 'locked' or 'open'. */
    async lockState() {
      if (keyring.isOpen()) return 'open';
      return (await readVault()) ? 'locked' : 'none';
    },

    isUnlocked: () => keyring.isOpen(),

    /** Whether a PIN unlocks this phone (else the password does). */
    async hasPin() {
      return Boolean((await readVault())?.pin);
    },

    /** Wrong attempts since the last unlock, and how many are left before the wipe. */
    async unlockFailures() {
      const n = await failures();
      return { failures: n, left: Math.max(0, MAX_FAILURES - n) };
    },

    /** First sign-in on this phone: a new data key, wrapped under the password; the store opens. */
    async createVault(password) {
      const key = await newDataKey();
      const slot = await wrapUnder(password, key, iterations);
      await writeVault({ version: 1, password: slot, pin: null });
      await (await db()).delete('meta', 'unlock_failures');
      keyring.set(key);
    },

    /** After a sign-in with the password (perhaps a new one): the password slot follows it. */
    async rewrapPassword(password) {
      const vault = await readVault();
      const slot = await wrapUnder(password, keyring.current(), iterations);
      await writeVault({ ...vault, password: slot });
    },

    /** Set or change the PIN (store open). */
    async setPin(pin) {
      if (!isPin(pin)) throw new TypeError('a PIN is six digits');
      const vault = await readVault();
      const slot = await wrapUnder(pin, keyring.current(), iterations);
      await writeVault({ ...vault, pin: slot });
    },

    /**
     * Unlock with the PIN (`kind` 'pin') or the password ('password'), offline. Resolves to
     * {ok: true}, {ok: false, failures, left}, or {ok: false, wiped: true} after the last try.
     */
    async unlock(secret, kind = 'pin') {
      const vault = await readVault();
      const slot = kind === 'pin' ? vault?.pin : vault?.password;
      if (!slot) {
        const n = await failures();
        return { ok: false, failures: n, left: Math.max(0, MAX_FAILURES - n) };
      }
      const n = await countAttempt();
      if (n > MAX_FAILURES) {
        await wipe();
        return { ok: false, wiped: true };
      }
      const key = await unwrapWith(secret, slot);
      if (key) {
        keyring.set(key);
        await (await db()).delete('meta', 'unlock_failures');
        return { ok: true };
      }
      if (n >= MAX_FAILURES) {
        keyring.set(null);
        await wipe();
        return { ok: false, wiped: true };
      }
      return { ok: false, failures: n, left: MAX_FAILURES - n };
    },

    /** Drop the data key from memory. */
    lock() {
      keyring.set(null);
    },

    /** Minutes without use before the app locks (a meta setting, default 5). */
    async lockMinutes() {
      const value = (await (await db()).get('meta', 'lock_minutes'))?.value;
      return LOCK_CHOICES.includes(value) ? value : DEFAULT_LOCK_MINUTES;
    },

    async setLockMinutes(minutes) {
      const value = LOCK_CHOICES.includes(Number(minutes)) ? Number(minutes) : DEFAULT_LOCK_MINUTES;
      await (await db()).put('meta', { key: 'lock_minutes', value });
    },
  };
}
