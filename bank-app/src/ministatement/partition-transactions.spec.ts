import { partitionForKey } from './partition-transactions';

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
