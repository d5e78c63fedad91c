/**
 * Vitest global setup: one temporary directory for the whole run, removed when it ends. TMPDIR
 * points into it before any test file starts, so every `mkdtemp` of a test (state files, scripts,
 * Redis data) and of the app processes tests start lands there, and nothing is left in /tmp.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'focus-for-slack-test-'));
  process.env.TMPDIR = dir;
  return () => rmSync(dir, { recursive: true, force: true });
}
