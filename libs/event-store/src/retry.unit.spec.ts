import { ConcurrencyError, EventStoreUnavailableError } from './errors';
import { retryOnConcurrency } from './retry';

const conflict = (): ConcurrencyError => new ConcurrencyError('refreshToken-1', '0', '1');

describe('retryOnConcurrency', () => {
  it('returns the result of the first successful attempt', async () => {
    let calls = 0;
    const result = await retryOnConcurrency(async () => {
      calls++;
      if (calls < 3) throw conflict();
      return 'ok';
    });
    expect(result).toBe('ok');
    expect(calls).toBe(3);
  });

  it('gives up after `attempts` tries and rethrows the last ConcurrencyError', async () => {
    let calls = 0;
    const errors: ConcurrencyError[] = [];
    const attempt = retryOnConcurrency(
      async () => {
        calls++;
        const error = conflict();
        errors.push(error);
        throw error;
      },
      { attempts: 4 },
    );
    await expect(attempt).rejects.toMatchObject({ code: 'CONCURRENCY' });
    await attempt.catch((error: unknown) => expect(error).toBe(errors[errors.length - 1]));
    expect(calls).toBe(4);
  });

  it('tries five times by default', async () => {
    let calls = 0;
    await expect(
      retryOnConcurrency(async () => {
        calls++;
        throw conflict();
      }),
    ).rejects.toBeInstanceOf(ConcurrencyError);
    expect(calls).toBe(5);
  });

  it('does not retry other errors', async () => {
    let calls = 0;
    await expect(
      retryOnConcurrency(async () => {
        calls++;
        throw new EventStoreUnavailableError('down');
      }),
    ).rejects.toMatchObject({ code: 'EVENT_STORE_UNAVAILABLE' });
    expect(calls).toBe(1);
  });

  it('retries only a ConcurrencyError, not another error carrying its code', async () => {
    let calls = 0;
    const foreign = Object.assign(new Error('wrong expected version'), { code: 'CONCURRENCY' });
    await expect(
      retryOnConcurrency(
        async () => {
          calls++;
          throw foreign;
        },
        { attempts: 2 },
      ),
    ).rejects.toBe(foreign);
    expect(calls).toBe(1);
  });

  it('refuses a non-positive attempt count', async () => {
    await expect(retryOnConcurrency(async () => 1, { attempts: 0 })).rejects.toBeInstanceOf(TypeError);
  });
});
