import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { Catalog } from '../../infra/constructs/catalog.js';
import { Lake } from '../../infra/constructs/lake.js';
import { InvalidPropsError } from '../../infra/errors.js';
import { FEATURE_NAMES } from '../../shared/domain/features/index.js';
import { throwawayStack } from './support.js';

type GlueTableProps = {
  TableInput: {
    Name: string;
    Parameters: Record<string, string>;
    PartitionKeys: { Name: string; Type: string }[];
    StorageDescriptor: {
      Columns: { Name: string; Type: string }[];
      SerdeInfo: { SerializationLibrary: string };
    };
  };
};

function build(props: Partial<ConstructorParameters<typeof Catalog>[2]> = {}) {
  const stack = throwawayStack();
  const lake = new Lake(stack, 'Lake');
  new Catalog(stack, 'Catalog', {
    lake,
    databaseName: 'tickflow',
    workGroupName: 'tickflow',
    intervals: ['1m', '5m_1m'],
    startDate: '2021-06-01',
    ...props,
  });
  return Template.fromStack(stack);
}

describe('Catalog', () => {
  let tables: Record<string, GlueTableProps['TableInput']>;
  let template: Template;
  beforeAll(() => {
    template = build();
    tables = Object.fromEntries(
      Object.values(template.findResources('AWS::Glue::Table')).map((r) => {
        const input = (r as { Properties: GlueTableProps }).Properties.TableInput;
        return [input.Name, input];
      }),
    );
  });

  it('creates one Parquet table per lake prefix', () => {
    expect(Object.keys(tables).sort()).toEqual(['bars', 'features', 'late', 'quarantine', 'ticks']);
    for (const table of Object.values(tables)) {
      expect(table.StorageDescriptor.SerdeInfo.SerializationLibrary).toBe(
        'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe',
      );
    }
  });

  it('declares the bar columns and partitions interval/symbol/date in path order', () => {
    expect(tables.bars!.StorageDescriptor.Columns).toEqual([
      { Name: 'window_start', Type: 'timestamp' },
      { Name: 'window_end', Type: 'timestamp' },
      ...['open', 'high', 'low', 'close', 'volume', 'vwap'].map((Name) => ({ Name, Type: 'double' })),
      { Name: 'trade_count', Type: 'bigint' },
    ]);
    expect(tables.bars!.PartitionKeys.map((k) => k.Name)).toEqual(['interval', 'symbol', 'date']);
  });

  it('projects interval as the configured enum, symbol as injected, date from the start date to NOW', () => {
    expect(tables.bars!.Parameters).toMatchObject({
      'projection.enabled': 'true',
      'projection.interval.type': 'enum',
      'projection.interval.values': '1m,5m_1m',
      'projection.symbol.type': 'injected',
      'projection.date.type': 'date',
      'projection.date.format': 'yyyy-MM-dd',
      'projection.date.range': '2021-06-01,NOW',
    });
  });

  it('sets no storage.location.template, so injected symbols are Hive-escaped (EUR/USD → EUR%2FUSD)', () => {
    for (const table of Object.values(tables))
      expect(table.Parameters['storage.location.template']).toBeUndefined();
  });

  it('gives late ticks the watermark and quarantine only a date partition', () => {
    expect(tables.late!.StorageDescriptor.Columns.map((c) => c.Name)).toContain('watermark');
    expect(tables.quarantine!.StorageDescriptor.Columns.map((c) => c.Name)).toEqual([
      'raw',
      'reason',
      'field',
      'arrival_time',
      'shard_id',
      'sequence_number',
      'sub_index',
    ]);
    expect(tables.quarantine!.PartitionKeys).toEqual([{ Name: 'date', Type: 'string' }]);
    expect(tables.ticks!.PartitionKeys.map((k) => k.Name)).toEqual(['symbol', 'date']);
  });

  it('partitions features by split (train/val/test) and symbol, with every feature column', () => {
    expect(tables.features!.Parameters['projection.split.values']).toBe('train,val,test');
    const names = tables.features!.StorageDescriptor.Columns.map((c) => c.Name);
    for (const feature of [...FEATURE_NAMES, 'filled']) expect(names).toContain(feature);
  });

  it('enforces an engine-3 workgroup writing SSE-S3 results to a private, expiring bucket', () => {
    template.hasResourceProperties('AWS::Athena::WorkGroup', {
      WorkGroupConfiguration: {
        EnforceWorkGroupConfiguration: true,
        EngineVersion: { SelectedEngineVersion: 'Athena engine version 3' },
        ResultConfiguration: { EncryptionConfiguration: { EncryptionOption: 'SSE_S3' } },
      },
    });
    template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ ExpirationInDays: 30 })]) },
      PublicAccessBlockConfiguration: Match.objectLike({ BlockPublicPolicy: true }),
    });
  });
});

describe('Catalog props', () => {
  it.each([
    ['databaseName', { databaseName: 'tick-flow' }],
    ['startDate', { startDate: '2021-13-45' }],
    ['intervals', { intervals: [] }],
    ['resultRetentionDays', { resultRetentionDays: 0 }],
    ['bytesScannedCutoffPerQuery', { bytesScannedCutoffPerQuery: 1000 }],
  ] as const)('refuses a bad %s', (prop, props) => {
    const error = (() => {
      try {
        build(props);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(InvalidPropsError);
    expect((error as InvalidPropsError).prop).toBe(prop);
  });
});
