/** A state file of its own for each app a test starts, in a fresh temporary directory. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function tempStatePath(): { path: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'focus-state-'));
  return { path: join(dir, 'state.sqlite'), remove: () => rmSync(dir, { recursive: true, force: true }) };
}
