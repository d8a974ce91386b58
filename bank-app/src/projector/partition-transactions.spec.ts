import { checkPartitionCounts, retryConcurrentTransactions } from './partition-transactions';

describe('checkPartitionCounts', () => {
  it('accepts ministatement with as many partitions as debit_card', () => {
    expect(() => checkPartitionCounts(3, 3)).not.toThrow();
    expect(() => checkPartitionCounts(12, 12)).not.toThrow();
  });

  it.each([
    [3, 2],
    [3, 4],
    [3, 0],
    [0, 0],
  ])(
    'refuses debit_card with %i partition(s) and ministatement with %i, saying what to do',
    (source, sink) => {
      expect(() => checkPartitionCounts(source, sink)).toThrow(
        `topic ministatement has ${sink} partition(s) and debit_card ${source}: the projector writes the lines ` +
          'of debit_card partition p to ministatement partition p, so the counts must be equal. ' +
          'Delete ministatement and the Druid datasource built from it, then run `npm run register` (docs/messages.md).',
      );
    },
  );
});

describe('retryConcurrentTransactions', () => {
  const concurrent = Object.assign(new Error('another concurrent operation'), {
    type: 'CONCURRENT_TRANSACTIONS',
  });

  it('runs the operation again while the coordinator answers CONCURRENT_TRANSACTIONS', async () => {
    const operation = jest
      .fn<Promise<string>, []>()
      .mockRejectedValueOnce(concurrent)
      .mockRejectedValueOnce(concurrent)
      .mockResolvedValue('sent');
    await expect(retryConcurrentTransactions(operation, 5, 1)).resolves.toBe('sent');
    expect(operation).toHaveBeenCalledTimes(3);
  });

  it('gives up after the given number of attempts', async () => {
    const operation = jest.fn<Promise<string>, []>().mockRejectedValue(concurrent);
    await expect(retryConcurrentTransactions(operation, 3, 1)).rejects.toBe(concurrent);
    expect(operation).toHaveBeenCalledTimes(3);
  });

  it('does not retry any other error', async () => {
    const fenced = Object.assign(new Error('fenced'), { type: 'INVALID_PRODUCER_EPOCH' });
    const operation = jest.fn<Promise<string>, []>().mockRejectedValue(fenced);
    await expect(retryConcurrentTransactions(operation, 5, 1)).rejects.toBe(fenced);
    expect(operation).toHaveBeenCalledTimes(1);
  });
});
