/**
 * Imports point one way: tenants -> slack -> subscriptions -> lookup -> focus, slack -> parse | render |
 * state, and everything -> domain. Only focus/ and slack/ make HTTP requests (undici: to Focus, to Slack);
 * only slack/ knows Bolt (state/ takes its InstallationStore types, nothing else); the simulator (sandbox/) shares nothing with the app but the domain
 * types. The files at the top of src/ are checked one by one: the process's own modules
 * (configuration, metrics, logger...) need only the domain, and only app.ts and main.ts wire
 * everything. A lower folder that imports a higher one fails here, naming the file and the import.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));

/** Each folder of src/ and the folders it may import (domain/ may import none). */
const MAY_IMPORT: Record<string, readonly string[]> = {
  domain: [],
  parse: ['domain'],
  render: ['domain'],
  focus: ['domain'],
  state: ['domain'],
  sandbox: ['domain'],
  access: ['domain', 'state'],
  lookup: ['domain', 'focus'],
  subscriptions: ['domain', 'focus', 'lookup', 'state'],
  // slack/ is the edge: it may use every layer below it, and the process's own modules.
  slack: ['domain', 'access', 'parse', 'render', 'lookup', 'state', 'subscriptions', '(root)'],
  // tenants/ builds each Focus tenant's stack and the Slack workspaces that answer from it.
  tenants: ['domain', 'access', 'focus', 'lookup', 'state', 'subscriptions', 'slack', '(root)'],
};

/**
 * Each file at the top of src/ and the folders it may import ('(root)': the other top files; a
 * top file's name: that one only).
 * app.ts (the composition root) and main.ts (the process) may import anything; the others, which
 * every layer may be handed, only the domain. A top file not listed here fails.
 */
const EVERYTHING = [...Object.keys(MAY_IMPORT), '(root)'];
const ROOT_MAY_IMPORT: Record<string, readonly string[]> = {
  'config.ts': ['domain', 'config-tenancy.ts'],
  'config-tenancy.ts': ['domain'],
  'metrics.ts': ['domain'],
  'log.ts': ['domain'],
  'inflight.ts': ['domain'],
  'last-resort.ts': ['domain'],
  'app.ts': EVERYTHING,
  'distribution.ts': EVERYTHING,
  'main.ts': EVERYTHING,
};

/** Packages only some folders may import: HTTP to Focus and to Slack, Bolt, the state file, Redis. */
const OWNED_PACKAGES: Record<string, readonly string[]> = {
  undici: ['focus', 'slack'],
  '@slack/bolt': ['slack'],
  'better-sqlite3': ['state'],
  '@redis/client': ['state'],
};

/**
 * Packages a folder may import types from, and nothing else (erased at build): state/ implements
 * Bolt's InstallationStore interface without loading Bolt.
 */
const TYPES_FROM: Record<string, readonly string[]> = { '@slack/bolt': ['state'] };

const IMPORT =
  /(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** The folder of src/ a path is in; `(root)` for src/*.ts. */
function folderOf(path: string): string {
  const rel = relative(SRC, path);
  return rel.includes('/') ? (rel.split('/')[0] as string) : '(root)';
}

/**
 * Process entry points below src/ that read the app's configuration (src/config.ts) as main.ts
 * does: `npm run state` must read the same variables by the same rules as the app.
 */
const ENTRY_POINTS: Record<string, readonly string[]> = { 'state/cli.ts': ['(root)'] };

function entryMayImport(path: string, target: string): boolean {
  return ENTRY_POINTS[relative(SRC, path)]?.includes(target) ?? false;
}

/** Every import that breaks the rules, as `file: specifier`. */
function violations(files: ReadonlyArray<{ path: string; text: string }>): string[] {
  const found: string[] = [];
  for (const { path, text } of files) {
    const from = folderOf(path);
    const allowed = from === '(root)' ? ROOT_MAY_IMPORT[relative(SRC, path)] : MAY_IMPORT[from];
    if (!allowed) {
      found.push(`${relative(SRC, path)}: not in ${from === '(root)' ? 'ROOT_MAY_IMPORT' : 'MAY_IMPORT'}`);
      continue;
    }
    for (const m of text.matchAll(IMPORT)) {
      const spec = (m[1] ?? m[2]) as string;
      const owner = Object.entries(OWNED_PACKAGES).find(
        ([pkg]) => spec === pkg || spec.startsWith(`${pkg}/`),
      );
      const typesOnly = /^\s*import\s+type\b/.test(m[0]) && TYPES_FROM[owner?.[0] ?? '']?.includes(from);
      if (owner && !owner[1].includes(from) && !typesOnly) found.push(`${relative(SRC, path)}: ${spec}`);
      if (!spec.startsWith('.')) continue;
      const target = folderOf(join(path, '..', spec));
      // A folder's files import each other freely; a top file is a layer of its own.
      if (target === from && from !== '(root)') continue;
      const named =
        target === '(root)' &&
        allowed.includes(relative(SRC, join(path, '..', spec)).replace(/\.js$/, '.ts'));
      if (!allowed.includes(target) && !named && !entryMayImport(path, target))
        found.push(`${relative(SRC, path)}: ${spec}`);
    }
  }
  return found;
}

/**
 * slack/ holds four roles, each a folder: the surfaces (one module per way in) use the answer
 * pipeline, which reads the asker built inbound; the outbound Web API plumbing stands alone.
 * `slack/app.ts` wires them all.
 */
const SLACK_MAY_IMPORT: Record<string, readonly string[]> = {
  inbound: [],
  outbound: [],
  answer: ['inbound'],
  surfaces: ['answer', 'inbound', 'outbound'],
};

/** slack/ sub-folder imports that break SLACK_MAY_IMPORT, as `file: specifier`. */
function slackViolations(files: ReadonlyArray<{ path: string; text: string }>): string[] {
  const part = (path: string) => {
    const rel = relative(join(SRC, 'slack'), path);
    return rel.startsWith('..') || !rel.includes('/') ? undefined : (rel.split('/')[0] as string);
  };
  const found: string[] = [];
  for (const { path, text } of files) {
    const from = part(path);
    if (from === undefined) continue;
    for (const m of text.matchAll(IMPORT)) {
      const spec = (m[1] ?? m[2]) as string;
      if (!spec.startsWith('.')) continue;
      const target = part(join(path, '..', spec));
      const allowed = SLACK_MAY_IMPORT[from] ?? [];
      if (target !== undefined && target !== from && !allowed.includes(target))
        found.push(`${relative(SRC, path)}: ${spec}`);
    }
  }
  return found;
}

describe('import direction', () => {
  it('slack/ folders import downward: surfaces -> answer -> inbound; outbound stands alone', () => {
    const files = filesUnder(join(SRC, 'slack')).map((path) => ({ path, text: readFileSync(path, 'utf8') }));
    expect(
      Object.keys(SLACK_MAY_IMPORT).every((d) => files.some((f) => f.path.includes(`/slack/${d}/`))),
    ).toBe(true);
    expect(slackViolations(files)).toEqual([]);
    expect(
      slackViolations([
        { path: join(SRC, 'slack/outbound/x.ts'), text: "import { serve } from '../answer/deliver.js';" },
        { path: join(SRC, 'slack/answer/y.ts'), text: "import { x } from '../surfaces/command.js';" },
        { path: join(SRC, 'slack/surfaces/z.ts'), text: "import { x } from '../answer/answer.js';" },
      ]),
    ).toEqual(['slack/outbound/x.ts: ../answer/deliver.js', 'slack/answer/y.ts: ../surfaces/command.js']);
  });

  it('every file of src/, folders and top files, imports only the layers below it', () => {
    const files = filesUnder(SRC).map((path) => ({ path, text: readFileSync(path, 'utf8') }));
    expect(files.length).toBeGreaterThan(50);
    expect(
      Object.keys(ROOT_MAY_IMPORT).filter((name) => !files.some((f) => f.path === join(SRC, name))),
    ).toEqual([]);
    expect(violations(files)).toEqual([]);
  });

  it('names an import that points up (the check can fail)', () => {
    const files = [
      { path: join(SRC, 'focus/x.ts'), text: "import { Answerer } from '../slack/answer.js';" },
      { path: join(SRC, 'parse/y.ts'), text: "import type { Pool } from 'undici';" },
      { path: join(SRC, 'render/z.ts'), text: "export { App } from '@slack/bolt';" },
      { path: join(SRC, 'sandbox/w.ts'), text: "const m = await import('../lookup/service.js');" },
      { path: join(SRC, 'lookup/ok.ts'), text: "import { FocusCache } from '../focus/cache.js';" },
      { path: join(SRC, 'state/types.ts'), text: "import type { InstallationStore } from '@slack/bolt';" },
      { path: join(SRC, 'state/value.ts'), text: "import { type Installation, App } from '@slack/bolt';" },
      { path: join(SRC, 'focus/types.ts'), text: "import type { Installation } from '@slack/bolt';" },
    ];
    expect(violations(files)).toEqual([
      'focus/x.ts: ../slack/answer.js',
      'parse/y.ts: undici',
      'render/z.ts: @slack/bolt',
      'sandbox/w.ts: ../lookup/service.js',
      'state/value.ts: @slack/bolt',
      'focus/types.ts: @slack/bolt',
    ]);
  });

  it('names a top file that imports above the domain, and a top file nobody listed', () => {
    const files = [
      { path: join(SRC, 'config.ts'), text: "import { PROFILE_NAMES } from './sandbox/profiles.js';" },
      { path: join(SRC, 'config.ts'), text: "import { parseEncryptionKeys } from './config-tenancy.js';" },
      { path: join(SRC, 'config-tenancy.ts'), text: "import { secretsOf } from './config.js';" },
      { path: join(SRC, 'metrics.ts'), text: "import type { PollReport } from './subscriptions/poller.js';" },
      { path: join(SRC, 'log.ts'), text: "import { loadConfig } from './config.js';" },
      { path: join(SRC, 'inflight.ts'), text: "import type { Logger } from './domain/logger.js';" },
      { path: join(SRC, 'app.ts'), text: "const sandbox = await import('./sandbox/index.js');" },
      { path: join(SRC, 'main.ts'), text: "import { startApp } from './app.js';" },
      { path: join(SRC, 'worker.ts'), text: "import { Logger } from './domain/logger.js';" },
      { path: join(SRC, 'state/cli.ts'), text: "import { loadConfig } from '../config.js';" },
      { path: join(SRC, 'state/open.ts'), text: "import { loadConfig } from '../config.js';" },
    ];
    expect(violations(files)).toEqual([
      'config.ts: ./sandbox/profiles.js',
      'config-tenancy.ts: ./config.js',
      'metrics.ts: ./subscriptions/poller.js',
      'log.ts: ./config.js',
      'worker.ts: not in ROOT_MAY_IMPORT',
      'state/open.ts: ../config.js',
    ]);
  });
});
