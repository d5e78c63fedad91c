/**
 * There is no Docker engine in CI: this reads the Dockerfile and .dockerignore and checks the
 * structure the image promises (multi-stage, LTS slim base, production dependencies only, the
 * native module built where the toolchain is and loaded in the image that ships, non-root with
 * one writable state volume, health check, no secrets baked in).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

interface Instruction {
  op: string;
  args: string;
  stage: string;
}
interface Stage {
  name: string;
  from: string;
  body: Instruction[];
}

const root = new URL('../', import.meta.url);
const dockerfile = readFileSync(new URL('Dockerfile', root), 'utf8');
const dockerignore = readFileSync(new URL('.dockerignore', root), 'utf8')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'));

/** Joins continuation lines, drops comments and parser directives, splits into stages. */
function parse(text: string): Stage[] {
  const logical = text
    .split('\n')
    .filter((l) => !l.trim().startsWith('#'))
    .join('\n')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  const stages: Stage[] = [];
  for (const line of logical) {
    const [, op = '', args = ''] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    const upper = op.toUpperCase();
    if (upper === 'FROM') {
      const [, from = '', name] = /^(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?/i.exec(args) ?? [];
      stages.push({ name: name ?? String(stages.length), from, body: [] });
    } else {
      const stage = stages.at(-1);
      if (!stage) throw new Error(`${upper} before FROM`);
      stage.body.push({ op: upper, args, stage: stage.name });
    }
  }
  return stages;
}

const stages = parse(dockerfile);
const final = stages.at(-1) as Stage;
const all = stages.flatMap((s) => s.body);
const named = (name: string) => stages.find((s) => s.name === name);
/** The image a stage starts from, following `FROM <earlier stage>`. */
const imageOf = (stage: Stage): string => {
  const parent = named(stage.from);
  return parent && parent !== stage ? imageOf(parent) : stage.from;
};
/** Variable names declared by ENV (`A=1 B=2` or legacy `A 1`) or ARG. */
const declaredNames = (i: Instruction): string[] =>
  i.args.includes('=')
    ? [...i.args.matchAll(/(?:^|\s)([A-Za-z_][\w.-]*)=/g)].map((m) => m[1] ?? '')
    : [i.args.split(/\s+/)[0] ?? ''];

describe('Dockerfile', () => {
  it('is multi-stage: a build stage, a production-deps stage and a runtime stage', () => {
    expect(stages.length).toBeGreaterThanOrEqual(3);
    const build = stages.find((s) => s.body.some((i) => i.op === 'RUN' && /npm run build/.test(i.args)));
    expect(build).toBeDefined();
    expect(build).not.toBe(final);
  });

  it('uses a current Node LTS slim image everywhere', () => {
    for (const stage of stages) {
      const match = /^node:(\d+)(?:\.\d+)*(?:-[a-z]+)?-slim(?:@sha256:[0-9a-f]{64})?$/.exec(imageOf(stage));
      expect(match, `stage ${stage.name} starts from ${imageOf(stage)}`).not.toBeNull();
      const major = Number(match?.[1]);
      expect(major % 2, 'LTS lines are even-numbered').toBe(0);
      expect(major).toBeGreaterThanOrEqual(22);
    }
  });

  it('installs production dependencies only into the runtime image', () => {
    const deps = stages.find((s) =>
      s.body.some((i) => i.op === 'RUN' && /npm ci\b.*--omit=dev/.test(i.args)),
    );
    expect(deps, 'a stage runs npm ci --omit=dev').toBeDefined();
    expect(deps).not.toBe(final);
    const modules = final.body.filter((i) => i.op === 'COPY' && /node_modules/.test(i.args));
    expect(modules).toHaveLength(1);
    expect(modules[0]?.args).toMatch(new RegExp(`--from=${deps?.name}\\b`));
    expect(final.body.some((i) => i.op === 'RUN' && /\bnpm (ci|install|i)\b/.test(i.args))).toBe(false);
  });

  it('builds the native module (better-sqlite3) in the deps stage, the only one with a toolchain', () => {
    const deps = stages.find((s) =>
      s.body.some((i) => i.op === 'RUN' && /npm ci\b.*--omit=dev/.test(i.args)),
    );
    const runs = (deps?.body ?? []).filter((i) => i.op === 'RUN').map((i) => i.args);
    const ci = runs.find((r) => /npm ci\b/.test(r)) ?? '';
    // With install scripts off, better-sqlite3's must be run on its own (npm rebuild runs it).
    if (/--ignore-scripts/.test(ci)) {
      expect(runs.some((r) => /\bnpm rebuild better-sqlite3\b/.test(r))).toBe(true);
    }
    const toolchain = runs.find((r) => /apt-get install/.test(r)) ?? '';
    for (const tool of ['python3', 'make', 'g++']) expect(toolchain.split(/\s+/)).toContain(tool);
    expect(toolchain).toMatch(/--no-install-recommends/);
    expect(toolchain).toMatch(/rm -rf \/var\/lib\/apt\/lists/);
    // The runtime does not inherit the toolchain: it starts from the base, not from deps.
    expect(final.from).not.toBe(deps?.name);
    expect(final.body.some((i) => i.op === 'RUN' && /apt-get|g\+\+|node-gyp/.test(i.args))).toBe(false);
  });

  it('loads the native module in the image that ships, during the build', () => {
    const runs = final.body.filter((i) => i.op === 'RUN').map((i) => i.args);
    const load = runs.find((r) => /\bnode -e\b/.test(r) && /require\(['"]better-sqlite3['"]\)/.test(r));
    expect(load, 'a RUN node -e "require(\'better-sqlite3\')..." in the runtime stage').toBeDefined();
    expect(load).toMatch(/\(['"]:memory:['"]\)/);
    const ops = final.body.map((i) => i.op);
    const loadAt = final.body.findIndex((i) => i.args === load);
    const modulesAt = final.body.findIndex((i) => i.op === 'COPY' && /node_modules/.test(i.args));
    expect(modulesAt).toBeLessThan(loadAt);
    expect(loadAt).toBeLessThan(ops.lastIndexOf('CMD'));
  });

  it('runs node on jemalloc: fetched in the deps stage, copied in, preloaded, and checked during the build', () => {
    const deps = stages.find((s) =>
      s.body.some((i) => i.op === 'RUN' && /npm ci\b.*--omit=dev/.test(i.args)),
    );
    const fetch = (deps?.body ?? []).find((i) => i.op === 'RUN' && /apt-get install/.test(i.args));
    expect(fetch?.args.split(/\s+/)).toContain('libjemalloc2');
    const env = final.body.filter((i) => i.op === 'ENV').map((i) => i.args);
    const preload = /(?:^|\s)LD_PRELOAD=(\S+)/.exec(env.join(' '))?.[1];
    expect(preload).toMatch(/libjemalloc\.so\.2$/);
    const copy = final.body.find((i) => i.op === 'COPY' && i.args.includes('libjemalloc'));
    expect(copy?.args).toMatch(new RegExp(`--from=${deps?.name}\\b.*\\s${preload}$`));
    const check = final.body.find((i) => i.op === 'RUN' && /\/proc\/self\/maps/.test(i.args));
    expect(check?.args).toMatch(/libjemalloc/);
    expect(final.body.indexOf(copy as Instruction)).toBeLessThan(final.body.indexOf(check as Instruction));
  });

  it('declares the state volume, points STATE_PATH into it, and makes it the only place the app can write', () => {
    const volumes = final.body.filter((i) => i.op === 'VOLUME');
    expect(volumes).toHaveLength(1);
    const volume = volumes[0]?.args.trim() ?? '';
    const paths = volume.startsWith('[') ? (JSON.parse(volume) as string[]) : volume.split(/\s+/);
    expect(paths).toEqual(['/app/data']);
    const env = final.body.filter((i) => i.op === 'ENV').map((i) => i.args);
    expect(env.join(' ')).toMatch(/(^|\s)STATE_PATH=\/app\/data\/[\w.-]+\.sqlite(\s|$)/);
    // Created and handed to `node` before it becomes a volume (later changes to it are dropped).
    const chowns = final.body.filter((i) => i.op === 'RUN' && /\bchown\b/.test(i.args));
    expect(chowns).toHaveLength(1);
    expect(chowns[0]?.args).toMatch(/\bmkdir -p \/app\/data\b/);
    expect(chowns[0]?.args).toMatch(/\bchown (-R )?node(:node)? \/app\/data$/);
    expect(final.body.indexOf(chowns[0] as Instruction)).toBeLessThan(
      final.body.indexOf(volumes[0] as Instruction),
    );
    // Everything else stays root's: no COPY --chown, no chmod.
    for (const i of final.body) {
      expect(i.args).not.toMatch(/--chown|--chmod|\bchmod\b/);
    }
  });

  it('ships the compiled output, not the sources', () => {
    expect(final.body.some((i) => i.op === 'COPY' && /\/app\/dist\s+\.\/dist$/.test(i.args))).toBe(true);
    for (const copy of final.body.filter((i) => i.op === 'COPY' || i.op === 'ADD')) {
      expect(copy.args).not.toMatch(/(^|\s)(\.|\.\/)\s+\S+$/);
      expect(copy.args).not.toMatch(/\bsrc\b|\.env\b/);
    }
  });

  it('runs as a non-root user, switched before CMD and never back', () => {
    const ops = final.body.map((i) => i.op);
    const users = final.body.filter((i) => i.op === 'USER');
    expect(users.length).toBeGreaterThan(0);
    for (const user of users) expect(user.args).not.toMatch(/^(root|0)(:|$)/);
    expect(ops.lastIndexOf('USER')).toBeLessThan(ops.lastIndexOf('CMD'));
  });

  it('checks health on /healthz', () => {
    const checks = final.body.filter((i) => i.op === 'HEALTHCHECK');
    expect(checks).toHaveLength(1);
    expect(checks[0]?.args).toMatch(/\bCMD\b.*\/healthz/);
    expect(checks[0]?.args).toMatch(/--timeout=\d+s/);
  });

  it('starts dist/main.js with node (exec form, so signals reach node)', () => {
    const cmds = final.body.filter((i) => i.op === 'CMD');
    expect(cmds).toHaveLength(1);
    const argv = JSON.parse(cmds[0]?.args ?? '') as string[];
    expect(argv[0]).toBe('node');
    expect(argv.at(-1)).toBe('dist/main.js');
    expect(final.body.some((i) => i.op === 'ENTRYPOINT')).toBe(false);
  });

  it('bakes in no secrets: no ENV or ARG named like a token, secret, key or password', () => {
    const vars = all.filter((i) => i.op === 'ENV' || i.op === 'ARG');
    const names = vars.flatMap(declaredNames);
    expect(names).toContain('NODE_ENV');
    for (const name of names) expect(name).not.toMatch(/TOKEN|SECRET|KEY|PASSW|CREDENTIAL/i);
    expect(dockerfile).not.toMatch(/xox[abposr]-|xapp-/);
  });
});

describe('.dockerignore', () => {
  it.each(['node_modules', '.git', '.env', '.env.*', '*.env', 'dist', 'test', 'data', '*.sqlite'])(
    'excludes %s',
    (entry) => {
      expect(dockerignore).toContain(entry);
    },
  );

  it('does not exclude what the build copies', () => {
    for (const needed of ['package.json', 'package-lock.json', '.npmrc', 'src', 'tsconfig.json']) {
      expect(dockerignore).not.toContain(needed);
    }
  });
});
