/**
 * Secrets at rest (Slack installations' tokens, Focus connections' API keys): AES-256-GCM, one
 * random 12-byte nonce per record, sealed as
 *
 *   v1.<keyId>.<nonce b64url>.<ciphertext b64url>.<tag b64url>
 *
 * The key id travels beside the ciphertext so a second key can rotate in: the current key seals,
 * every configured key opens. The additional authenticated data is the record's key, so a sealed
 * value copied under another record's key does not open.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { AppError } from '../domain/errors.js';
import type { EncryptionKeys } from '../domain/tenant.js';

const VERSION = 'v1';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const B64URL = /^[A-Za-z0-9_-]*$/;

/**
 * A sealed value that cannot be opened (code `sealed_malformed`, `sealed_unknown_key` or
 * `sealed_rejected`); the message names the record and the key id, never the value.
 */
export class SealError extends AppError {
  constructor(reason: 'malformed' | 'unknown_key' | 'rejected', message: string) {
    super(`sealed_${reason}`, message);
    this.name = 'SealError';
  }
}

/** Encrypts `plaintext` for the record `recordKey` with the current key. */
export function seal(keys: EncryptionKeys, recordKey: string, plaintext: string): string {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', keys.current.key, nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(recordKey, 'utf8'));
  const text = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [VERSION, keys.current.id, b64(nonce), b64(text), b64(cipher.getAuthTag())].join('.');
}

/**
 * Decrypts what `seal` made for `recordKey`, with whichever configured key sealed it. Throws a
 * `SealError`: `malformed` (not a sealed value), `unknown_key` (sealed with a key no longer
 * configured: put it back in STATE_ENCRYPTION_KEY), `rejected` (tampered with, or another record's).
 */
export function open(keys: EncryptionKeys, recordKey: string, sealed: string): string {
  const parts = partsOf(sealed);
  if (!parts) {
    throw new SealError('malformed', `the record ${recordKey} is not a sealed value (${VERSION})`);
  }
  const { keyId, nonce, text, tag } = parts;
  const key = keys.all.get(keyId);
  if (!key) {
    throw new SealError(
      'unknown_key',
      `the record ${recordKey} was sealed with key id "${keyId}", which STATE_ENCRYPTION_KEY does not ` +
        `hold (it holds ${[...keys.all.keys()].join(', ')}): add that key back after the current one`,
    );
  }
  const nonceBytes = Buffer.from(nonce, 'base64url');
  const tagBytes = Buffer.from(tag, 'base64url');
  if (nonceBytes.length !== NONCE_BYTES || tagBytes.length !== TAG_BYTES) {
    throw new SealError('malformed', `the record ${recordKey} has a nonce or tag of the wrong size`);
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, nonceBytes, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(recordKey, 'utf8'));
    decipher.setAuthTag(tagBytes);
    return Buffer.concat([decipher.update(Buffer.from(text, 'base64url')), decipher.final()]).toString(
      'utf8',
    );
  } catch {
    throw new SealError(
      'rejected',
      `the record ${recordKey} does not open with key "${keyId}": it was altered, or belongs to another record`,
    );
  }
}

/**
 * The id of the key that sealed `sealed`, read without opening it; undefined when it is not a
 * sealed value (for `state import`, which moves records without a key, and `state reseal`).
 */
export function sealedKeyId(sealed: string): string | undefined {
  return partsOf(sealed)?.keyId;
}

function partsOf(sealed: string): { keyId: string; nonce: string; text: string; tag: string } | undefined {
  const parts = sealed.split('.');
  const [version, keyId, nonce, text, tag] = parts;
  if (
    parts.length !== 5 ||
    version !== VERSION ||
    !keyId ||
    nonce === undefined ||
    text === undefined ||
    tag === undefined ||
    ![nonce, text, tag].every((p) => B64URL.test(p))
  )
    return undefined;
  return { keyId, nonce, text, tag };
}

function b64(bytes: Buffer): string {
  return bytes.toString('base64url');
}
