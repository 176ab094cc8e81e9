/**
 * The log key the console trusts, pinned on first use: the first checkpoint's key is kept in this
 * browser, and every later verification is against the kept key. A server that later presents
 * another key is shown as a red warning; only the person at the keyboard can re-pin.
 */
export interface PinnedKey {
  vkey: string;
  fingerprint: string;
  pinnedAt: string;
}

const KEY = 'plant.console.log-key';

/** SHA-256 of the verifier key, as 8 groups of 4 hex digits: easy to read aloud and compare. */
export const fingerprint = async (vkey: string): Promise<string> => {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(vkey)));
  const hex = Array.from(digest.slice(0, 16), (b) => b.toString(16).padStart(2, '0')).join('');
  return hex.match(/.{4}/g)?.join(' ') ?? hex;
};

export const loadPin = (): PinnedKey | null => {
  const raw = localStorage.getItem(KEY);
  if (raw === null) return null;
  try {
    const pin = JSON.parse(raw) as Partial<PinnedKey>;
    return typeof pin.vkey === 'string' && typeof pin.fingerprint === 'string' && typeof pin.pinnedAt === 'string' ? (pin as PinnedKey) : null;
  } catch {
    return null;
  }
};

export const pinKey = async (vkey: string): Promise<PinnedKey> => {
  const pin = { vkey, fingerprint: await fingerprint(vkey), pinnedAt: new Date().toISOString() };
  localStorage.setItem(KEY, JSON.stringify(pin));
  return pin;
};

export const forgetPin = (): void => {
  localStorage.removeItem(KEY);
};
