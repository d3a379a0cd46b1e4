import { Validations } from 'aws-cdk-lib';
import type { TickflowStack } from './tickflow-stack.js';

/** Placeholder replaced after the first cdk-nag run lists the findings. */
export function acknowledgeNagFindings(stack: TickflowStack): void {
  void Validations.of(stack);
}
