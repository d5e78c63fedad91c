/**
 * Child processes of the benchmark: the app as the Docker image runs it (its CMD's node
 * arguments and its ENV, read from the Dockerfile, on the compiled build) or as `npm start` does
 * (the start script's node arguments, read from package.json), one process either way, so its pid
 * is the one whose memory we read; and the floor app (a plain `node --import tsx`: the reference
 * is Bolt with no tuning).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../test/helpers/ports.js';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface Child {
  name: string;
  pid: number;
  origin: string;
  /** Resident memory now, in MB (VmRSS of /proc/<pid>/status). */
  rssMb(): number;
  /** What the resident memory is: anonymous (heap, malloc) and file-backed (the node binary's pages), in MB. */
  rssParts(): string;
  /** CPU time used so far (user + system), in seconds. */
  cpuSeconds(): number;
  /** SIGTERM, then SIGKILL after 5 s; resolves when it has exited. */
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
/** The children's state directories, removed when they stop or the bench exits. */
const stateDirs = new Set<string>();
/** USER_HZ: /proc times are in these ticks (100 on Linux). */
const CLOCK_TICKS = 100;

/** Kills every child still running (on error or exit of the bench). */
export function killAll(): void {
  for (const child of running) child.kill('SIGKILL');
  for (const dir of stateDirs) rmSync(dir, { recursive: true, force: true });
}

/**
 * Runs a bench's `main`: its children are killed on exit, on Ctrl-C or SIGTERM (exit 130) and on
 * failure, which is printed with its stack (exit 1).
 */
export function runBench(main: () => Promise<void>): void {
  process.on('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      killAll();
      process.exit(130);
    });
  }
  main().catch((error: unknown) => {
    process.stderr.write(
      `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    killAll();
    process.exit(1);
  });
}

/** The node arguments of `npm start` (`node <args>`), e.g. `['--max-old-space-size=160', '--import', 'tsx', 'src/main.ts']`. */
export function npmStartArgs(): string[] {
  const pkg = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { scripts: { start: string } };
  const [command, ...args] = pkg.scripts.start.trim().split(/\s+/);
  if (command !== 'node') throw new Error(`npm start runs ${command}, not node: the bench cannot mirror it`);
  return args;
}

/**
 * The node arguments of the Docker image's command (`node --heap-growing-percent=20
 * --enable-source-maps dist/main.js`), after compiling src/ to dist/ as its build stage does.
 */
export function productionArgs(): string[] {
  execFileSync('npm', ['run', '-s', 'build'], { cwd: ROOT, stdio: 'inherit' });
  const dockerfile = readFileSync(`${ROOT}Dockerfile`, 'utf8');
  const cmd = /^CMD \[(.*)\]\s*$/m.exec(dockerfile)?.[1];
  if (!cmd) throw new Error('no CMD in the Dockerfile');
  const [command, ...args] = JSON.parse(`[${cmd}]`) as string[];
  if (command !== 'node') throw new Error(`the image runs ${command}, not node: the bench cannot mirror it`);
  return args;
}

/**
 * The environment the Docker image sets for its command (the runtime stage's ENV: NODE_ENV,
 * LD_PRELOAD, ...), less PORT and STATE_PATH, which the bench chooses itself. A preloaded
 * library is found where this machine keeps it (the image copies jemalloc to /usr/local/lib;
 * Debian installs it under /usr/lib/<arch>-linux-gnu): benching without it would measure
 * another allocator, so a missing one stops the bench.
 */
export function productionEnv(): Record<string, string> {
  const dockerfile = readFileSync(`${ROOT}Dockerfile`, 'utf8').replace(/\\\n/g, ' ');
  const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
  const env: Record<string, string> = {};
  for (const [, assignments = ''] of runtime.matchAll(/^ENV\s+(.*)$/gm)) {
    for (const pair of assignments.trim().split(/\s+/)) {
      const match = /^([A-Z_][A-Z0-9_]*)=(\S*)$/.exec(pair);
      if (!match) throw new Error(`the bench cannot read the Dockerfile's ENV "${pair}"`);
      const [, name = '', value = ''] = match;
      if (name !== 'PORT' && name !== 'STATE_PATH') env[name] = value;
    }
  }
  if (env.LD_PRELOAD) env.LD_PRELOAD = env.LD_PRELOAD.split(':').map(localLibrary).join(':');
  return env;
}

const MULTIARCH: Record<string, string> = { x64: 'x86_64-linux-gnu', arm64: 'aarch64-linux-gnu' };

function localLibrary(imagePath: string): string {
  const name = basename(imagePath);
  const candidates = [
    imagePath,
    `/usr/local/lib/${name}`,
    `/usr/lib/${MULTIARCH[process.arch] ?? ''}/${name}`,
  ];
  const found = candidates.find((path) => existsSync(path));
  if (!found) {
    throw new Error(
      `the image preloads ${name} (LD_PRELOAD): install it to bench the app as the image runs it (Debian: apt-get install libjemalloc2)`,
    );
  }
  return found;
}

/** The preloaded libraries a running process has actually mapped (e.g. jemalloc), by file name. */
export function preloadedIn(pid: number, env: Record<string, string>): string[] {
  const maps = readFileSync(`/proc/${pid}/maps`, 'utf8');
  return (env.LD_PRELOAD ?? '')
    .split(':')
    .filter(Boolean)
    .map((path) => basename(path))
    .filter((name) => maps.includes(name));
}

/**
 * `cores` processes that each keep one core busy (a loop that never yields), as noisy neighbours
 * on a shared host; killed by `stop()` and, whatever happens, when the bench exits.
 */
export function burnCpu(cores: number): { stop(): void } {
  const burners = Array.from({ length: cores }, () => {
    const child = spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' });
    running.add(child);
    child.once('exit', () => running.delete(child));
    return child;
  });
  return {
    stop: () => {
      for (const child of burners) child.kill('SIGKILL');
    },
  };
}

/**
 * Starts `node <args>` with `env` on a free PORT and waits for its /healthz. `logFile`: its
 * stdout (the JSON log) is written there; otherwise dropped.
 */
export async function startChild(
  name: string,
  args: string[],
  env: Record<string, string>,
  logFile?: string,
): Promise<Child> {
  const port = await freePort();
  const stateDir = mkdtempSync(join(tmpdir(), 'focus-bench-'));
  stateDirs.add(stateDir);
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: {
      STATE_PATH: join(stateDir, 'state.sqlite'),
      ...process.env,
      ...env,
      PORT: String(port),
    },
    stdio: ['ignore', logFile ? openSync(logFile, 'a') : 'ignore', 'pipe'],
  });
  running.add(child);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4_000);
  });
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      running.delete(child);
      resolve();
    }),
  );
  const origin = `http://127.0.0.1:${port}`;
  await waitForHealth(origin, child, () => stderr, name);
  const pid = child.pid as number;
  return {
    name,
    pid,
    origin,
    rssParts: () => {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const mb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1]) / 1024;
      return `anon ${mb('RssAnon').toFixed(1)} MB, file ${mb('RssFile').toFixed(1)} MB`;
    },
    rssMb: () => {
      const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      return match ? Number(match[1]) / 1024 : Number.NaN;
    },
    cpuSeconds: () => {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      child.kill('SIGTERM');
      await exited;
      clearTimeout(timer);
      rmSync(stateDir, { recursive: true, force: true });
      stateDirs.delete(stateDir);
    },
  };
}

async function waitForHealth(origin: string, child: ChildProcess, stderr: () => string, name: string) {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited (${child.exitCode}): ${stderr()}`);
    const ok = await fetch(`${origin}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`${name} did not answer /healthz within 30 s: ${stderr()}`);
}
