/**
 * SHA-256 as the verifier gets it. WebCrypto's is the default everywhere (browsers, Node ≥ 20);
 * a caller that hashes millions of nodes (the CLI over a whole export) may pass a synchronous
 * one, since WebCrypto's digest costs a promise per call. Either gives the same bytes.
 */
export type Sha256 = (data: Uint8Array) => Uint8Array | Promise<Uint8Array>;

export const webSha256: Sha256 = async (data) => new Uint8Array(await crypto.subtle.digest('SHA-256', data as Uint8Array<ArrayBuffer>));
