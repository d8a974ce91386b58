import { partitionForKey, retryConcurrentTransactions } from './partition-transactions';

// Expected partitions computed with the Java client's own partitioner arithmetic
// (Utils.toPositive(Utils.murmur2(key)) % n, kafka-clients 3.9.1, in jshell): the projector must put a
// card's `ministatement` messages where any Kafka client would.
describe('partitionForKey', () => {
  it.each([
    ['123456789', 0, 6],
    ['chaos-2cfb35a701524ef59118', 1, 4],
    ['bench-0001', 0, 0],
    ['bench-hot', 0, 9],
    ['a', 1, 4],
    ['card-with-a-long-identifier-0042', 0, 0],
  ])('puts %s where Kafka does (3 partitions: %i, 12 partitions: %i)', (key, ofThree, ofTwelve) => {
    expect(partitionForKey('ministatement', key, 3)).toBe(ofThree);
    expect(partitionForKey('ministatement', key, 12)).toBe(ofTwelve);
  });
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
