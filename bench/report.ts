/** The benchmark's figures from raw samples, the targets they are held to, and the printed report. */
import { percentile, ratio, round, table } from './stats.js';

export interface Samples {
  criticalPathMs: number;
  callsPerLookup: number;
  cold: number[];
  warm: number[];
  floorCards: number[];
  /** Ack times of the 200-lookup bursts (every round pooled; a failed request counts as Infinity). */
  acks: number[];
  floorAcks: number[];
  perSecond: number;
  floorPerSecond: number;
  appBurst: number;
  floorBurst: number;
  authCalls: number;
  rss25: number;
  rss50: number;
}

export type Figures = ReturnType<typeof figures>;

/** Exactly the fields of `--json`, rounded. */
export function figures(s: Samples) {
  const p50 = (xs: number[]) => percentile(xs, 50);
  return {
    critical_path_ms: s.criticalPathMs,
    focus_calls_per_phone_lookup: round(s.callsPerLookup, 2),
    card_ms_p50: round(p50(s.cold)),
    card_ms_p99: round(percentile(s.cold, 99)),
    card_over_limit_ratio: round(ratio(p50(s.cold), s.criticalPathMs), 3),
    warm_card_ms_p50: round(p50(s.warm)),
    floor_card_ms_p50: round(p50(s.floorCards)),
    warm_over_floor_ratio: round(ratio(p50(s.warm), p50(s.floorCards)), 2),
    ack_ms_p99: round(percentile(s.acks, 99)),
    floor_ack_ms_p99: round(percentile(s.floorAcks, 99)),
    ack_over_floor_ratio: round(ratio(percentile(s.acks, 99), percentile(s.floorAcks, 99)), 2),
    lookups_per_s_warm: round(s.perSecond),
    floor_lookups_per_s: round(s.floorPerSecond),
    throughput_vs_floor: round(ratio(s.perSecond, s.floorPerSecond), 2),
    max_burst_acked_in_3s: s.appBurst,
    floor_max_burst_acked_in_3s: s.floorBurst,
    auth_calls: s.authCalls,
    rss_mb_25k: round(s.rss25),
    rss_mb_50k: round(s.rss50),
  };
}

/** [target, met, value shown]. */
export function targets(r: Figures): Array<[string, boolean, string]> {
  return [
    ['card_over_limit_ratio <= 1.10', r.card_over_limit_ratio <= 1.1, `${r.card_over_limit_ratio}`],
    ['warm_over_floor_ratio <= 1.5', r.warm_over_floor_ratio <= 1.5, `${r.warm_over_floor_ratio}`],
    ['ack_over_floor_ratio <= 1.2', r.ack_over_floor_ratio <= 1.2, `${r.ack_over_floor_ratio}`],
    ['throughput_vs_floor >= 1.0', r.throughput_vs_floor >= 1, `${r.throughput_vs_floor}`],
    [
      'max_burst_acked_in_3s >= 0.9 x floor',
      r.max_burst_acked_in_3s >= 0.9 * r.floor_max_burst_acked_in_3s,
      `${r.max_burst_acked_in_3s} vs ${r.floor_max_burst_acked_in_3s}`,
    ],
    ['auth_calls = 1', r.auth_calls === 1, `${r.auth_calls}`],
    [
      'rss_mb_50k <= 160 and <= 1.1 x rss_mb_25k',
      r.rss_mb_50k <= 160 && r.rss_mb_50k <= 1.1 * r.rss_mb_25k,
      `${r.rss_mb_50k} vs ${r.rss_mb_25k}`,
    ],
  ];
}

export function readableReport(r: Figures, notes: string[], seconds: string): string {
  const lines = targets(r).map(([name, ok, value]) => `  ${ok ? 'met   ' : 'MISSED'}  ${name}  (${value})`);
  return [
    `\nFocus for Slack benchmark (${seconds} s)`,
    table(Object.entries(r)),
    '\nTargets',
    ...lines,
    '\nNotes',
    ...notes.map((n) => `  ${n}`),
    '',
  ].join('\n');
}

/** One JSON object, or one `name value` line per figure. */
export function printFigures(figures: Record<string, unknown>, json: boolean): void {
  const width = Math.max(...Object.keys(figures).map((k) => k.length)) + 2;
  process.stdout.write(
    json
      ? `${JSON.stringify(figures)}\n`
      : `${Object.entries(figures)
          .map(([k, v]) => `${k.padEnd(width)} ${v}`)
          .join('\n')}\n`,
  );
}
