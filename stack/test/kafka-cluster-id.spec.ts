// The KRaft cluster id the launcher formats Kafka's storage with: never one that kafka-storage would read
// as an option. (A fresh-clone CI run failed once on an id that started with "-".)
import { newKafkaClusterId } from '../src/components';

describe('newKafkaClusterId', () => {
  it('is 22 base64url characters', () => {
    expect(newKafkaClusterId()).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('draws again when the id would start with "-"', () => {
    // 0xF8 makes the first base64url character "-" (its top six bits are 62).
    const draws = [Buffer.alloc(16, 0xf8), Buffer.alloc(16, 0x01)];
    const random = jest.fn((size: number) => draws.shift() ?? Buffer.alloc(size));

    const id = newKafkaClusterId(random);

    expect(Buffer.alloc(16, 0xf8).toString('base64url').startsWith('-')).toBe(true);
    expect(id).toBe(Buffer.alloc(16, 0x01).toString('base64url'));
    expect(random).toHaveBeenCalledTimes(2);
  });
});
