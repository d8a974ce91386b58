import { constantBackoff, exponentialBackoff, linearBackoff, retry, type RetryPolicy } from './retry';

describe('retry', () => {
  const transient = new Error('transient');
  const fatal = new Error('fatal');
  const policy = (overrides: Partial<RetryPolicy> = {}): RetryPolicy => ({
    attempts: 5,
    backoff: constantBackoff(1),
    retriable: (error) => error === transient,
    ...overrides,
  });

  it('runs the operation again after a retriable failure, and returns its result', async () => {
    const operation = jest
      .fn<Promise<string>, []>()
      .mockRejectedValueOnce(transient)
      .mockRejectedValueOnce(transient)
      .mockResolvedValue('done');

    await expect(retry(operation, policy())).resolves.toBe('done');
    expect(operation).toHaveBeenCalledTimes(3);
  });

  it('gives up after the attempts, rethrowing the last failure as it was', async () => {
    const operation = jest.fn<Promise<string>, []>().mockRejectedValue(transient);

    await expect(retry(operation, policy({ attempts: 3 }))).rejects.toBe(transient);
    expect(operation).toHaveBeenCalledTimes(3);
  });

  it('does not retry a failure that is not retriable', async () => {
    const operation = jest.fn<Promise<string>, []>().mockRejectedValue(fatal);

    await expect(retry(operation, policy())).rejects.toBe(fatal);
    expect(operation).toHaveBeenCalledTimes(1);
  });

  it('starts no attempt once the deadline has passed', async () => {
    const operation = jest.fn<Promise<string>, []>().mockRejectedValue(transient);

    const started = Date.now();
    await expect(
      retry(operation, policy({ attempts: Infinity, deadline: started + 50, backoff: constantBackoff(20) })),
    ).rejects.toBe(transient);
    expect(operation.mock.calls.length).toBeGreaterThanOrEqual(2);
    expect(operation.mock.calls.length).toBeLessThanOrEqual(4);
  });

  it('tells onFailure of every failure, the last included, and onRetry of each retry, in order', async () => {
    const events: string[] = [];
    const operation = jest.fn<Promise<string>, []>().mockRejectedValue(transient);

    await expect(
      retry(
        operation,
        policy({
          attempts: 3,
          backoff: (attempt) => {
            events.push(`pause ${attempt}`);
            return 1;
          },
          onFailure: (_error, attempt) => {
            events.push(`failure ${attempt}`);
          },
          onRetry: (_error, attempt) => events.push(`retry ${attempt}`),
        }),
      ),
    ).rejects.toBe(transient);
    expect(events).toEqual([
      'failure 1',
      'retry 1',
      'pause 1',
      'failure 2',
      'retry 2',
      'pause 2',
      'failure 3',
    ]);
  });

  it('pauses as the backoff says', () => {
    expect([1, 2, 3, 4].map(linearBackoff(20))).toEqual([20, 40, 60, 80]);
    expect([1, 2, 3, 4].map(exponentialBackoff(200))).toEqual([400, 800, 1600, 3200]);
    expect([1, 2, 3].map(constantBackoff(50))).toEqual([50, 50, 50]);
  });
});
