import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { CsvTickParser, replayCsv } from '../../shared/producer/csv-replay.js';
import { MarketSimulator } from '../../shared/producer/simulator.js';
import type { ProducerRecord } from '../../shared/producer/types.js';
import type { RunSource } from './options.js';

/** The producer's records of a run and how to describe them. */
export interface SourceRecords {
  readonly records: AsyncIterable<ProducerRecord> | Iterable<ProducerRecord>;
  /** Ticks expected, for the progress bar. */
  readonly totalHint?: number;
  readonly describe: string;
  /** The producer's own counts, for the summary. */
  readonly stats?: () => unknown;
}

/** A seeded market simulation, the rows of a CSV file, or records given by the caller (a feed). */
export async function sourceRecords(source: RunSource): Promise<SourceRecords> {
  if (source.kind === 'feed') return { records: source.records, describe: source.describe };
  if (source.kind === 'simulate') {
    const sim = new MarketSimulator(source.simulation);
    return {
      records: sim.records(),
      totalHint: source.simulation.ticks,
      describe: `${sim.instruments.length} simulated symbols, seed ${String(source.simulation.seed ?? 'default')}`,
      stats: () => ({ ...sim.counts }),
    };
  }
  const lines = (await readFile(source.file, 'utf8')).split('\n').length - 2;
  const parser = new CsvTickParser();
  return {
    records: replayCsv(createReadStream(source.file), parser),
    totalHint: Math.max(lines, 0),
    describe: source.file,
  };
}
