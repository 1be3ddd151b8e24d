import { describe, expect, it } from 'vitest';
import { chatOf, clientFor, startEmulator } from '../../helpers/agora.ts';

describe('the Chat rate budgets against the emulator', () => {
  it('delivers a burst of 500 batch-status calls (limit 50/s) with zero 429 answers', async () => {
    const { emulator, control } = await startEmulator();
    // 500 calls at under 50/s take about 11 s; let queued calls wait that long.
    const chat = chatOf(clientFor(emulator, { budget: { maxWaitMs: 30_000 } }));
    await chat.users.registerMany([{ username: 'ann' }, { username: 'ben' }]);
    const results = await Promise.all(Array.from({ length: 500 }, () => chat.users.batchStatus(['ann', 'ben'])));
    expect(results.every((r) => r.ann === 'offline' && r.ben === 'offline')).toBe(true);
    expect((await control.calls())['chat.users.batchStatus']).toMatchObject({ total: 500, byStatus: { 200: 500 } });
  }, 60_000);
});
