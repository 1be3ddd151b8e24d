import { describe, expect, it } from 'vitest';
import { chatOf, clientFor, startEmulator } from '../../helpers/agora.ts';

describe('the Chat rate budgets against the emulator', () => {
  it('delivers a burst of 130 batch-status calls (limit 50/s) with zero 429 answers', async () => {
    const { emulator, control } = await startEmulator();
    // Three windows' worth: 50 at once, 50 a window later, the rest a window after that.
    const chat = chatOf(clientFor(emulator, { budget: { maxWaitMs: 30_000 } }));
    await chat.users.registerMany([{ username: 'ann' }, { username: 'ben' }]);
    const results = await Promise.all(Array.from({ length: 130 }, () => chat.users.batchStatus(['ann', 'ben'])));
    expect(results.every((r) => r.ann === 'offline' && r.ben === 'offline')).toBe(true);
    expect((await control.calls())['chat.users.batchStatus']).toMatchObject({ total: 130, byStatus: { 200: 130 } });
  }, 60_000);
});
