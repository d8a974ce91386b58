// Which topics `npm run register` creates, and when it refuses: `ministatement` must have exactly as
// many partitions as `debit_card` (the projector writes partition p to partition p), never more or fewer.
import { topicsToCreate } from '../src/register';

const created = (existing: Record<string, number>, partitions = 3) =>
  topicsToCreate(new Map(Object.entries(existing)), partitions).map(({ topic, numPartitions }) => [
    topic,
    numPartitions,
  ]);

describe('topicsToCreate', () => {
  it('creates every topic on an empty broker, ministatement with debit_card’s partitions', () => {
    expect(created({}, 3)).toEqual([
      ['debit_card', 3],
      ['debit_card.dlq', 1],
      ['ministatement', 3],
    ]);
  });

  it('creates nothing when every topic is there with matching counts', () => {
    expect(created({ debit_card: 3, 'debit_card.dlq': 1, ministatement: 3 })).toEqual([]);
  });

  it('follows an existing debit_card that has more partitions than configured', () => {
    expect(created({ debit_card: 6 }, 3)).toEqual([
      ['debit_card.dlq', 1],
      ['ministatement', 6],
    ]);
  });

  it.each([2, 4])('refuses a ministatement of %i partitions beside a debit_card of 3', (count) => {
    expect(() => created({ debit_card: 3, ministatement: count })).toThrow(
      `topic ministatement has ${count} partition(s) and debit_card 3: they must be equal, because the ` +
        'projector writes debit_card partition p to ministatement partition p',
    );
    expect(() => created({ debit_card: 3, ministatement: count })).toThrow(
      'Delete ministatement and the Druid datasource bankapp built from it (docs/druid.md), then run ' +
        '`npm run register` again.',
    );
  });

  it('refuses a debit_card with fewer partitions than configured', () => {
    expect(() => created({ debit_card: 1 }, 3)).toThrow(
      'topic debit_card has 1 partition(s), expected 3: it was created by something other than `npm run register`.',
    );
  });
});
