import { describe, expect, it } from 'vitest';
import { InvalidPreprocessInputError, resolveRequest } from '../../../shared/pipeline/preprocess/index.js';

describe('resolveRequest (the execution input)', () => {
  it('defaults to the whole lake of 1m bars', () => {
    expect(resolveRequest({})).toEqual({ interval: '1m', stepMs: 60_000, from: undefined, to: undefined });
    expect(resolveRequest(null).interval).toBe('1m');
  });

  it('steps a sliding interval by its slide', () => {
    expect(resolveRequest({ interval: '5m_1m' }).stepMs).toBe(60_000);
    expect(resolveRequest({ interval: '1h' }).stepMs).toBe(3_600_000);
  });

  it('reads a bare `to` date as the end of that UTC day, and instants or epoch ms as given', () => {
    expect(resolveRequest({ from: '2024-01-01', to: '2024-01-31' })).toMatchObject({
      from: Date.UTC(2024, 0, 1),
      to: Date.UTC(2024, 1, 1) - 1,
    });
    expect(resolveRequest({ from: '2024-01-01T10:00:00Z', to: 1_704_103_200_000 })).toMatchObject({
      from: Date.UTC(2024, 0, 1, 10),
      to: 1_704_103_200_000,
    });
    expect(resolveRequest({ from: '1704067200000' }).from).toBe(Date.UTC(2024, 0, 1));
  });

  it('rejects a bad interval, a bad bound, and from after to, naming the field', () => {
    expect(() => resolveRequest({ interval: '7x' })).toThrow(InvalidPreprocessInputError);
    expect(() => resolveRequest({ from: 'yesterday' })).toThrow(/from/);
    expect(() => resolveRequest({ from: '2024-02-01', to: '2024-01-01' })).toThrow(/not after to/);
  });
});
