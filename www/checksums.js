// SHA-256 of a whole file, the fastest way the browser allows: natively (Web Crypto, which hashes
// on a thread of the browser's own, several times faster than the core's software SHA-256 in wasm)
// where the file fits in memory, and streamed through the core's `Sha256` where it does not.
import { Sha256 } from './pkg/kmix.js';
import { streamInto } from './stream.js';

/** Files up to this size are held whole to be hashed natively: no more than this much memory
 * per worker, for a moment. */
export const WHOLE = 64 << 20;

/** Whether a file of `size` bytes is hashed natively: Web Crypto is there only in a secure context
 * (https or localhost), so a page served otherwise hashes in wasm. */
export const hashedNatively = (size) => Boolean(globalThis.crypto?.subtle) && size <= WHOLE;

/** The SHA-256 (hex) of bytes held whole, natively. Web Crypto copies them when called, so the
 * caller may go on reading them meanwhile. */
export async function nativeSha256(bytes) {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The SHA-256 (hex) of a Blob; `hash`: the core's Sha256 to continue (a stream's first bytes
 * hashed already), or none. */
export async function sha256OfBlob(blob, hash = null) {
  if (!hash && hashedNatively(blob.size)) return nativeSha256(await blob.arrayBuffer());
  const hasher = hash ?? new Sha256();
  await streamInto(blob, (bytes) => {
    hasher.push(bytes);
    return true;
  });
  return hasher.finish();
}
