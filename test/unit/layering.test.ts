/**
 * The architecture as a rule (README, "Architecture"): `shared/domain` is the pure core (no I/O, no
 * AWS, nothing of the pipeline or adapters); `shared/pipeline` is application services over ports
 * (no adapters, no AWS SDK, no drivers, no file or network I/O); `shared/report` (the report model and
 * its rendering) is pure too. Adapters and handlers depend on them, never the reverse.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');

/** I/O modules of Node that neither layer may import (node:crypto and node:zlib are pure computation). */
const NODE_IO =
  /^(node:)?(fs|fs\/promises|net|http|https|http2|child_process|dgram|dns|tls|worker_threads|cluster)$/;
/** Packages that reach the outside world. */
const IO_PACKAGES =
  /^(@aws-sdk\/|@smithy\/|aws-lambda|@aws-lambda-powertools\/|cassandra-driver|@duckdb\/|parquet-wasm|hyparquet|apache-arrow|kinesalite|dynalite|s3rver)/;

interface Layer {
  readonly dir: string;
  /** Folders of `shared/` it must not import from. */
  readonly forbiddenFolders: readonly string[];
}

const LAYERS: readonly Layer[] = [
  { dir: 'shared/domain', forbiddenFolders: ['shared/adapters', 'shared/pipeline'] },
  { dir: 'shared/pipeline', forbiddenFolders: ['shared/adapters'] },
  // The report model, its SQL and HTML rendering: pure; shared/adapters/report does the I/O.
  { dir: 'shared/report', forbiddenFolders: ['shared/adapters', 'shared/pipeline'] },
];

/** Every `from '…'` and `import('…')` specifier of a TypeScript source. */
function specifiers(text: string): string[] {
  return [...text.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)].map((m) => m[1]!);
}

/** The imports of `file` (path relative to the repo root) that its layer forbids, with why. */
function violations(layer: Layer, file: string, text: string): string[] {
  const out: string[] = [];
  for (const spec of specifiers(text)) {
    if (spec.startsWith('.')) {
      const target = relative(ROOT, join(ROOT, file, '..', spec));
      const folder = layer.forbiddenFolders.find((f) => target === f || target.startsWith(`${f}/`));
      if (folder) out.push(`${file} imports ${spec} (${folder})`);
    } else if (NODE_IO.test(spec) || IO_PACKAGES.test(spec)) {
      out.push(`${file} imports ${spec} (I/O)`);
    }
  }
  return out;
}

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(dir, f));
}

describe('layering of shared/', () => {
  for (const layer of LAYERS) {
    it(`${layer.dir} imports no adapter, no AWS SDK, no driver and no I/O module`, () => {
      const found = sources(layer.dir).flatMap((f) =>
        violations(layer, f, readFileSync(join(ROOT, f), 'utf8')),
      );
      expect(found).toEqual([]);
    });
  }

  it('catches a deliberate violation of each kind', () => {
    const [domain, pipeline] = LAYERS as [Layer, Layer];
    const file = 'shared/pipeline/preprocess/x.ts';
    expect(
      violations(pipeline, file, "import { S3ObjectStore } from '../../adapters/s3-object-store.js';"),
    ).toHaveLength(1);
    expect(violations(pipeline, file, "import { QueryCommand } from '@aws-sdk/lib-dynamodb';")).toHaveLength(
      1,
    );
    expect(violations(pipeline, file, "import { readFile } from 'node:fs/promises';")).toHaveLength(1);
    expect(violations(pipeline, file, "const m = await import('cassandra-driver');")).toHaveLength(1);
    expect(violations(pipeline, file, "import { randomUUID } from 'node:crypto';")).toEqual([]);
    expect(
      violations(domain, 'shared/domain/x.ts', "import type { StateStore } from '../pipeline/ports.js';"),
    ).toHaveLength(1);
    expect(violations(domain, 'shared/domain/x.ts', "import { gzipSync } from 'node:zlib';")).toEqual([]);
  });
});
