/** A record key as producers pass it and consumers receive it. */
export type SequenceKey = string | Uint8Array | null | undefined;

/**
 * A map key for a record key. Binary keys are read as latin1: one character per byte, so two
 * different byte strings never collide (UTF-8 decoding would fold invalid bytes into U+FFFD).
 */
export function keyId(key: string | Uint8Array): string {
  if (typeof key === 'string') return key;
  const bytes = Buffer.isBuffer(key) ? key : Buffer.from(key.buffer, key.byteOffset, key.byteLength);
  return bytes.toString('latin1');
}

/** A record key for humans: binary keys as UTF-8 text, no key as null. */
export function displayKey(key: SequenceKey): string | null {
  if (key === null || key === undefined) return null;
  if (typeof key === 'string') return key;
  return Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString('utf8');
}
