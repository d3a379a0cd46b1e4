import type { Command } from 'commander';
import { register as registerBackfill } from './backfill.js';
import { register as registerBars } from './bars.js';
import { register as registerCost } from './cost.js';
import { register as registerDlq } from './dlq.js';
import { register as registerLocal } from './local.js';
import { register as registerPreprocess } from './preprocess.js';
import { register as registerProduce } from './produce.js';
import { register as registerQuery } from './query.js';
import { register as registerReport } from './report.js';
import { register as registerStatus } from './status.js';

/** Every command of the CLI, registered in help order. */
export function registerCommands(program: Command): void {
  registerLocal(program);
  registerProduce(program);
  registerPreprocess(program);
  registerBackfill(program);
  registerQuery(program);
  registerReport(program);
  registerBars(program);
  registerCost(program);
  registerStatus(program);
  registerDlq(program);
}
