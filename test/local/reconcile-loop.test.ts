/** The local reconcile loop: a failed pass is reported by error name and code, and the next pass runs. */
import { describe, expect, it } from 'vitest';
import { passError, startReconcileLoop } from '#local/reconcile-loop.ts';

describe('passError', () => {
  it('names the error and its code, never its message', () => {
    // Prepare: a refused connection as Node reports it.
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4566 incoming/a.pdf'), {
      code: 'ECONNREFUSED',
    });
    const conditional = Object.assign(new Error('The conditional request failed'), {
      name: 'ConditionalCheckFailedException',
    });

    // Act / Assess
    expect(passError(refused)).toBe('Error (ECONNREFUSED)');
    expect(passError(conditional)).toBe('ConditionalCheckFailedException');
    expect(passError('not an error')).toBe('Error');
    expect(passError(null)).toBe('Error');
  });
});

describe('startReconcileLoop', () => {
  it('reports a failed pass and runs the next one', async () => {
    // Prepare
    const errors: unknown[] = [];
    let passes = 0;
    const loop = startReconcileLoop({
      run: async () => {
        passes += 1;
        if (passes === 1) throw Object.assign(new Error('refused'), { code: 'ECONNREFUSED' });
      },
      intervalMs: 60_000,
      onError: (error) => errors.push(passError(error)),
    });

    // Act: the pass at start fails; one more runs on request.
    await loop.runNow();
    await loop.stop();

    // Assess
    expect(errors).toEqual(['Error (ECONNREFUSED)']);
    expect(passes).toBe(2);
  });
});
