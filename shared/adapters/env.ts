/**
 * Typed readers of Lambda environment variables. They throw at cold start with the variable's name,
 * so a misconfigured function fails loudly on its first invocation instead of misbehaving later.
 */

export class ConfigurationError extends Error {
  constructor(
    readonly variable: string,
    readonly problem: string,
  ) {
    super(`environment variable ${variable} ${problem}`);
    this.name = 'ConfigurationError';
  }
}

export function requireString(env: NodeJS.ProcessEnv, name: string): string {
  const v = env[name];
  if (v === undefined || v.trim() === '') throw new ConfigurationError(name, 'is required');
  return v.trim();
}

export function optionalString(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const v = env[name]?.trim();
  return v === undefined || v === '' ? undefined : v;
}

export function integer(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const v = optionalString(env, name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isSafeInteger(n)) throw new ConfigurationError(name, `must be an integer, got "${v}"`);
  return n;
}

export function stringList(env: NodeJS.ProcessEnv, name: string, fallback: readonly string[]): string[] {
  const v = optionalString(env, name);
  if (v === undefined) return [...fallback];
  const items = v.split(',').map((s) => s.trim());
  if (items.some((s) => s === ''))
    throw new ConfigurationError(name, `must be a comma-separated list, got "${v}"`);
  return items;
}
