import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { alertConfigFromFlags } from '../../../cli/commands/alert-flags.js';
import { UsageError } from '../../../cli/options.js';
import { resolveRunSettings } from '../../../local/run/options.js';
import { DEFAULT_MARKET_ALERT_CONFIG } from '../../../shared/domain/market-alerts/index.js';
import { MarketSimulator, SimulationOptionError } from '../../../shared/producer/index.js';

let dir: string | undefined;
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function configFile(body: string): Promise<string> {
  dir ??= await mkdtemp(join(tmpdir(), 'tickflow-alert-flags-'));
  const file = join(dir, `${Math.random().toString(36).slice(2)}.json`);
  await writeFile(file, body);
  return file;
}

describe('market-alert flags of local run', () => {
  it('no flag gives the defaults', () => {
    expect(alertConfigFromFlags({})).toEqual(DEFAULT_MARKET_ALERT_CONFIG);
  });

  it('the file sets classes and defaults; single flags override its defaults', async () => {
    const file = await configFile(
      JSON.stringify({
        defaults: { ...DEFAULT_MARKET_ALERT_CONFIG.defaults, sigma: 5 },
        classes: [{ name: 'crypto', symbols: ['BTC-*'], thresholds: { sigma: 8 } }],
      }),
    );
    const config = alertConfigFromFlags({ alertsConfig: file, alertQuiet: 120_000 });
    expect(config.defaults).toMatchObject({ sigma: 5, quietAfterMs: 120_000 });
    expect(config.classes[0]!.name).toBe('crypto');
  });

  it.each([
    [{ alertMaxLate: 1.5 }, /defaults\.maxLatePerBar = 1\.5/],
    [{ alertsConfig: '/no/such/file.json' }, /--alerts-config \/no\/such\/file\.json/],
  ])('a bad value is a usage error naming it (%#)', (flags, message) => {
    expect(() => alertConfigFromFlags(flags)).toThrow(UsageError);
    expect(() => alertConfigFromFlags(flags)).toThrow(message);
  });

  it('a file that is not an object, or a class without patterns, is a usage error', async () => {
    const list = await configFile('[]');
    expect(() => alertConfigFromFlags({ alertsConfig: list })).toThrow(/expected a JSON object/);
    const noPatterns = await configFile('{"classes":[{"name":"x","symbols":[],"thresholds":{}}]}');
    expect(() => alertConfigFromFlags({ alertsConfig: noPatterns })).toThrow(/classes\[0\]\.symbols/);
  });

  it('the watched interval must be a tumbling interval the run aggregates', () => {
    const run = (interval: string, intervals: string[]) =>
      resolveRunSettings({
        source: { kind: 'replay', file: 'x.csv' },
        out: 'out',
        intervals,
        alerts: { ...DEFAULT_MARKET_ALERT_CONFIG, interval },
      });
    expect(() => run('1m', ['1m', '5m'])).not.toThrow();
    expect(() => run('15m', ['1m', '5m'])).toThrow(/interval = "15m"/);
    expect(() => run('5m_1m', ['1m', '5m_1m'])).toThrow(/tumbling interval/);
  });
});

describe('simulated anomalies', () => {
  it('an anomaly on a symbol the simulation does not have is refused, naming it', () => {
    expect(
      () => new MarketSimulator({ symbols: 2, anomalies: { jumps: [{ symbol: 'NOPE', at: 0, factor: 2 }] } }),
    ).toThrow(SimulationOptionError);
  });
});
