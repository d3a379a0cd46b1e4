import { readFileSync } from 'node:fs';
import {
  AlertConfigError,
  type MarketAlertConfig,
  mergeAlertConfig,
  type PartialAlertConfig,
} from '../../shared/domain/market-alerts/index.js';
import { UsageError } from '../options.js';

/** The market-alert flags of `tickflow local run`. */
export interface AlertFlags {
  alertsConfig?: string;
  alertInterval?: string;
  alertSigma?: number;
  alertQuiet?: number;
  alertMaxLate?: number;
}

/**
 * The thresholds a run uses: the defaults, then the `--alerts-config` file (`interval`, `defaults`,
 * `classes`; docs/market-alerts.md), then the single flags over its defaults. Bad values are a usage
 * error naming the setting.
 */
export function alertConfigFromFlags(flags: AlertFlags): MarketAlertConfig {
  let file: PartialAlertConfig = {};
  if (flags.alertsConfig) {
    try {
      file = JSON.parse(readFileSync(flags.alertsConfig, 'utf8')) as PartialAlertConfig;
    } catch (err) {
      throw new UsageError(`--alerts-config ${flags.alertsConfig}: ${(err as Error).message}`);
    }
    if (typeof file !== 'object' || file === null || Array.isArray(file))
      throw new UsageError(
        `--alerts-config ${flags.alertsConfig}: expected a JSON object with interval, defaults, classes`,
      );
  }
  const config: PartialAlertConfig = {
    ...file,
    ...(flags.alertInterval !== undefined ? { interval: flags.alertInterval } : {}),
    defaults: {
      ...(file.defaults ?? {}),
      ...(flags.alertSigma !== undefined ? { sigma: flags.alertSigma } : {}),
      ...(flags.alertQuiet !== undefined ? { quietAfterMs: flags.alertQuiet } : {}),
      ...(flags.alertMaxLate !== undefined ? { maxLatePerBar: flags.alertMaxLate } : {}),
    },
  };
  try {
    return mergeAlertConfig(config);
  } catch (err) {
    if (err instanceof AlertConfigError)
      throw new UsageError(`${err.message} (--alerts-config or --alert-* flags)`);
    throw err;
  }
}
