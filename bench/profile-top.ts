/**
 * `npx tsx bench/profile-top.ts <file.cpuprofile> [N] [--callers NAME]`: the top-N functions by
 * self time, and self time by package or source folder, from a V8 CPU profile (`node --cpu-prof`);
 * with `--callers`, the call stacks (nearest 12 frames) behind the self time of functions named NAME.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const args = process.argv.slice(2);
const callersOf = args.includes('--callers') ? args[args.indexOf('--callers') + 1] : undefined;
const [file, topArg] = args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--callers');
if (!file) throw new Error('usage: profile-top <file.cpuprofile> [N]');
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const selfUs = new Map<number, number>();
profile.samples.forEach((id, i) => {
  selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
});
const total = [...selfUs.values()].reduce((a, b) => a + b, 0);

/** Where code lives: a package under node_modules, a folder of ours, or Node's internals. */
function area(url: string): string {
  if (!url) return '(native/gc/idle)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1] as string;
  const ours = /\/(src|bench|test)\/([^/]+)/.exec(url);
  if (ours) return `${ours[1]}/${ours[2]}`;
  return url.startsWith('node:') ? 'node internals' : url;
}

const fns = new Map<string, number>();
const areas = new Map<string, number>();
for (const [id, us] of selfUs) {
  const { functionName, url, lineNumber } = (byId.get(id) as ProfileNode).callFrame;
  const where = url ? `${url.replace(/^.*\/(node_modules|src)\//, '$1/')}:${lineNumber + 1}` : '';
  const key = `${functionName || '(anonymous)'} ${where}`;
  fns.set(key, (fns.get(key) ?? 0) + us);
  areas.set(area(url), (areas.get(area(url)) ?? 0) + us);
}
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const frame = (n: ProfileNode) =>
  `${n.callFrame.functionName || '(anonymous)'}@${n.callFrame.url.split('/').slice(-2).join('/')}:${n.callFrame.lineNumber + 1}`;
const DEPTH = 12;
const stacks = new Map<string, number>();
if (callersOf) {
  for (const [id, us] of selfUs) {
    if ((byId.get(id) as ProfileNode).callFrame.functionName !== callersOf) continue;
    const chain: string[] = [];
    for (let p = parent.get(id); p !== undefined && chain.length < DEPTH; p = parent.get(p)) {
      chain.push(frame(byId.get(p) as ProfileNode));
    }
    const key = chain.join(' < ');
    stacks.set(key, (stacks.get(key) ?? 0) + us);
  }
}
/** Inclusive time of functions in our own code (src/, bench/): a function counted once per sample stack. */
const inclusive = new Map<string, number>();
for (const [id, us] of selfUs) {
  const seen = new Set<string>();
  for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) {
    const node = byId.get(n) as ProfileNode;
    if (!/\/(src|bench)\//.test(node.callFrame.url) || node.callFrame.url.includes('node_modules')) continue;
    const key = frame(node);
    if (seen.has(key)) continue;
    seen.add(key);
    inclusive.set(key, (inclusive.get(key) ?? 0) + us);
  }
}
const pct = (us: number) => `${((100 * us) / total).toFixed(1).padStart(5)}%`;
const top = (m: Map<string, number>, n: number) =>
  [...m]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, us]) => `  ${pct(us)}  ${(us / 1000).toFixed(0).padStart(7)} ms  ${k}`)
    .join('\n');
process.stdout.write(
  callersOf
    ? `callers of ${callersOf}\n${top(stacks, Number(topArg ?? 10))}\n`
    : `${file}: ${(total / 1e6).toFixed(1)} s sampled\n\nself time by area\n${top(areas, 15)}\n\ntop functions by self time\n${top(fns, Number(topArg ?? 25))}\n\nour functions by inclusive time\n${top(inclusive, Number(topArg ?? 25))}\n`,
);
