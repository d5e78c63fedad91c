/**
 * `npm run state -- reseal`: writes every installation and Focus connection again with the current
 * (first) key of STATE_ENCRYPTION_KEY, so an old key can be dropped once nothing is sealed with it.
 *
 * Safe while the app runs: each record is written back with the table's compare-and-set
 * (`SealedTable.replace`), so a write of the app's meanwhile (a reinstall, a token refresh, a
 * connection saved or removed) wins; the record is then read again, a few times at most. A
 * record that does not open (its key no longer configured, altered, under another record's key)
 * is reported and left as it is. Nothing opened is ever written anywhere but back into its record.
 */
import type { EncryptionKeys } from '../domain/tenant.js';
import { open, SealError, seal, sealedKeyId } from './crypto.js';
import { recordKey, type SealedKind, type SealedTable } from './tenant-stores.js';

/** Reads of one record at most, when the app keeps changing it under the reseal. */
const ATTEMPTS = 5;

export interface ResealFailure {
  /** The installation key (`T…`, `E…`). */
  key: string;
  /** The key id the record names; undefined when it is not a sealed value. */
  keyId: string | undefined;
  /** `sealed_unknown_key`, `sealed_rejected`, `sealed_malformed`, or `changing` (rewritten under every attempt). */
  reason: string;
}

export interface ResealReport {
  /** Records written again with the current key, by the key id they had. */
  resealed: Record<string, number>;
  /** Records already sealed with the current key (opened, not written). */
  current: number;
  /** Records deleted while the reseal ran. */
  gone: number;
  failed: ResealFailure[];
}

const KIND = { installations: 'installation', connections: 'connection' } as const;

export async function resealTable(
  table: SealedTable,
  kind: SealedKind,
  keys: EncryptionKeys,
): Promise<ResealReport> {
  const report: ResealReport = { resealed: {}, current: 0, gone: 0, failed: [] };
  for (const key of (await table.keys()).sort()) {
    const aad = recordKey(KIND[kind], key);
    let done = false;
    let lastKeyId: string | undefined;
    for (let attempt = 0; attempt < ATTEMPTS && !done; attempt++) {
      const sealed = await table.get(key);
      if (sealed === undefined) {
        report.gone++;
        done = true;
        break;
      }
      const keyId = sealedKeyId(sealed);
      lastKeyId = keyId;
      let plaintext: string;
      try {
        plaintext = open(keys, aad, sealed);
      } catch (error) {
        if (!(error instanceof SealError)) throw error;
        report.failed.push({ key, keyId, reason: error.code });
        done = true;
        break;
      }
      if (keyId === keys.current.id) {
        report.current++;
        done = true;
      } else if (await table.replace(key, sealed, seal(keys, aad, plaintext))) {
        const from = keyId as string;
        report.resealed[from] = (report.resealed[from] ?? 0) + 1;
        done = true;
      }
    }
    if (!done) report.failed.push({ key, keyId: lastKeyId, reason: 'changing' });
  }
  return report;
}
