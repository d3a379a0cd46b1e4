/**
 * `--serving auto` (what `npm start` uses) goes on without a serving store when the machine cannot
 * provide one, saying why in one line; `--serving cassandra` fails instead.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureMavenJars } from '../../../local/jvm/maven.js';
import { type LocalServingHost, startLocalServing } from '../../../local/run/serving.js';

const dir = mkdtempSync(join(tmpdir(), 'tickflow-serving-fallback-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Java is there, but the first run's fetch of Cassandra fails: Maven is not installed. */
const NO_MAVEN: LocalServingHost = {
  javaAvailable: () => true,
  startCassandra: async () => {
    await ensureMavenJars({
      product: 'Cassandra',
      pom: join(dir, 'pom.xml'),
      libDir: join(dir, 'lib'),
      markerJar: 'cassandra-all.jar',
      mvnBin: join(dir, 'no-such-mvn'),
    });
    throw new Error('unreachable: the jars cannot have been fetched');
  },
};

describe('the local serving store when the machine cannot run one', () => {
  it('auto without Maven goes on without a serving store and says why in one line', async () => {
    const lines: string[] = [];
    await expect(startLocalServing('auto', (l) => lines.push(l), NO_MAVEN)).resolves.toBeUndefined();
    expect(lines.at(-1)).toMatch(
      /^serving store skipped: fetching Cassandra from Maven Central failed .*install Maven/,
    );
    expect(lines.at(-1)).not.toContain('\n');
  });

  it('cassandra without Maven fails with the command that failed', async () => {
    await expect(startLocalServing('cassandra', () => {}, NO_MAVEN)).rejects.toThrow(
      /fetching Cassandra from Maven Central failed .*no-such-mvn/,
    );
  });

  it('auto without Java goes on without a serving store', async () => {
    const lines: string[] = [];
    const noJava = { ...NO_MAVEN, javaAvailable: () => false };
    await expect(startLocalServing('auto', (l) => lines.push(l), noJava)).resolves.toBeUndefined();
    expect(lines).toEqual([
      'serving store skipped: Java 17+ is not on the PATH (install a JDK, or pass --serving none to silence this)',
    ]);
  });
});
