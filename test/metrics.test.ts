import { register as globalRegister } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { Metrics } from '../src/metrics.js';

describe('Metrics', () => {
  it('counts lookups and observes their duration', async () => {
    const m = new Metrics({ defaultMetrics: false });
    m.lookup('phone', 'found', 0.2);
    m.lookup('phone', 'found', 0.4);
    m.lookup('recording', 'failed', 9);
    const { body } = await m.render();
    expect(body).toContain('focus_slack_lookups_total{kind="phone",outcome="found"} 2');
    expect(body).toContain('focus_slack_lookups_total{kind="recording",outcome="failed"} 1');
    expect(body).toContain('focus_slack_lookup_duration_seconds_count{kind="phone"} 2');
    expect(body).toMatch(/focus_slack_lookup_duration_seconds_sum\{kind="phone"\} 0\.6\d*/);
    expect(body).toContain('focus_slack_lookup_duration_seconds_bucket{le="0.25",kind="phone"} 1');
    expect(body).toContain('focus_slack_lookup_duration_seconds_bucket{le="0.5",kind="phone"} 2');
    expect(body).toContain('focus_slack_lookup_duration_seconds_bucket{le="5",kind="recording"} 0');
    expect(body).toContain('focus_slack_lookup_duration_seconds_bucket{le="10",kind="recording"} 1');
  });

  it('reads the tenant stacks built at each scrape (0 outside distribution mode)', async () => {
    const m = new Metrics({ defaultMetrics: false });
    expect((await m.render()).body).toContain('focus_slack_tenant_stacks 0');
    let stacks = 3;
    m.tenantStacks(() => stacks);
    expect((await m.render()).body).toContain('focus_slack_tenant_stacks 3');
    stacks = 1;
    expect((await m.render()).body).toContain('focus_slack_tenant_stacks 1');
  });

  it('counts Focus calls by endpoint and status, with durations in seconds', async () => {
    const m = new Metrics({ defaultMetrics: false });
    const onCall = m.focusCall;
    onCall({ endpoint: 'recording.search', status: 200, durationMs: 40, attempt: 1 });
    onCall({ endpoint: 'recording.search', status: 503, durationMs: 1500, attempt: 1 });
    onCall({ endpoint: 'recording.search', status: 'error', durationMs: 5, attempt: 2 });
    const { body } = await m.render();
    expect(body).toContain('focus_slack_focus_calls_total{endpoint="recording.search",status="200"} 1');
    expect(body).toContain('focus_slack_focus_calls_total{endpoint="recording.search",status="503"} 1');
    expect(body).toContain('focus_slack_focus_calls_total{endpoint="recording.search",status="error"} 1');
    expect(body).toContain(
      'focus_slack_focus_call_duration_seconds_bucket{le="0.05",endpoint="recording.search"} 2',
    );
    expect(body).toContain('focus_slack_focus_call_duration_seconds_sum{endpoint="recording.search"} 1.545');
  });

  it('counts cache events, token renewals, deliveries and denials', async () => {
    const m = new Metrics({ defaultMetrics: false });
    const onEvent = m.cacheEvent;
    onEvent('person', 'hit');
    onEvent('person', 'hit');
    onEvent('person', 'miss');
    m.tokenRenewed();
    m.tokenRenewed();
    m.delivery('command', 'ok');
    m.delivery('unfurl', 'failed');
    m.denial('shortcut', 'not_linked');
    const { body } = await m.render();
    expect(body).toContain('focus_slack_cache_events_total{kind="person",result="hit"} 2');
    expect(body).toContain('focus_slack_cache_events_total{kind="person",result="miss"} 1');
    expect(body).toContain('focus_slack_token_renewals_total 2');
    expect(body).toContain('focus_slack_slack_deliveries_total{surface="command",result="ok"} 1');
    expect(body).toContain('focus_slack_slack_deliveries_total{surface="unfurl",result="failed"} 1');
    expect(body).toContain('focus_slack_denials_total{surface="shortcut",reason="not_linked"} 1');
  });

  it('shows a Focus pause: how many, and the seconds left', async () => {
    const m = new Metrics({ defaultMetrics: false });
    expect((await m.render()).body).toContain('focus_slack_focus_paused_seconds 0');
    const until = Date.now() + 30_000;
    m.focusPause(until);
    m.focusPause(until); // the same pause, seen by another call
    const { body } = await m.render();
    const rendered = Date.now();
    expect(body).toContain('focus_slack_focus_pauses_total 1');
    const left = Number(/^focus_slack_focus_paused_seconds (\S+)$/m.exec(body)?.[1]);
    expect(left).toBeGreaterThanOrEqual((until - rendered) / 1000);
    expect(left).toBeLessThanOrEqual(30);
  });

  it('renders the Prometheus text format, with help and type lines', async () => {
    const m = new Metrics({ defaultMetrics: false });
    const { contentType, body } = await m.render();
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(body).toContain('# TYPE focus_slack_lookups_total counter');
    expect(body).toContain('# TYPE focus_slack_lookup_duration_seconds histogram');
    expect(body).toContain('focus_slack_token_renewals_total 0');
  });

  it('collects Node default metrics into its own registry, never the global one', async () => {
    const a = new Metrics();
    const b = new Metrics();
    a.tokenRenewed();
    const bodyA = (await a.render()).body;
    const bodyB = (await b.render()).body;
    expect(bodyA).toContain('process_cpu_user_seconds_total');
    expect(bodyA).toContain('nodejs_heap_size_used_bytes');
    expect(bodyA).toContain('focus_slack_token_renewals_total 1');
    expect(bodyB).toContain('focus_slack_token_renewals_total 0');
    expect(globalRegister.getSingleMetric('focus_slack_lookups_total')).toBeUndefined();
    expect(globalRegister.getSingleMetric('process_cpu_user_seconds_total')).toBeUndefined();
  });
});
