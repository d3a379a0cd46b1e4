#!/usr/bin/env node
// Entry point of the `tickflow` CLI: runs the TypeScript sources through tsx, so there is no build step.
import { register } from 'tsx/esm/api';

// The SDK warns on every run that its 2027 releases need Node 22; the README says so once instead.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
