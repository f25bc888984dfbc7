import { describe, expect, it } from 'vitest';
import type { Admin } from '../types/index.js';
import { requireSrc } from './own-files.js';

const createAdmin = requireSrc('./admin/index.js') as (params: Record<string, unknown>) => Admin;
const { createLogger, LEVELS } = requireSrc('./loggers/index.js') as { createLogger(o: unknown): unknown; LEVELS: { NOTHING: number } };
const silent = () => () => undefined;
const { KafkaJSProtocolError } = requireSrc('./errors.js') as { KafkaJSProtocolError: new (e: unknown) => Error };
const { createErrorFromCode } = requireSrc('./protocol/error.js') as { createErrorFromCode(code: number): unknown };

/** An admin over a cluster whose coordinator answers each OffsetCommit with the next outcome. */
function adminWithCoordinator(outcomes: Array<'ok' | number>) {
  const calls: unknown[] = [];
  const coordinator = {
    offsetCommit: async (request: unknown) => {
      calls.push(request);
      const outcome = outcomes.shift() ?? 'ok';
      if (outcome !== 'ok') throw new KafkaJSProtocolError(createErrorFromCode(outcome));
      return { responses: [] };
    },
  };
  const cluster = { findGroupCoordinator: async () => coordinator };
  const admin = createAdmin({
    cluster,
    logger: createLogger({ level: LEVELS.NOTHING, logCreator: silent }),
    retry: { retries: 3, initialRetryTime: 1, maxRetryTime: 2 },
  });
  return { admin, calls };
}

describe('admin.commitGroupOffsets', () => {
  it('commits as no member of no generation, offsets as strings', async () => {
    const { admin, calls } = adminWithCoordinator(['ok']);
    await admin.commitGroupOffsets({ groupId: 'g', topics: [{ topic: 't', partitions: [{ partition: 2, offset: '7' }] }] });
    expect(calls).toEqual([
      { groupId: 'g', groupGenerationId: -1, memberId: '', topics: [{ topic: 't', partitions: [{ partition: 2, offset: '7' }] }] },
    ]);
  });

  it('retries while the coordinator moves or loads, and gives up on anything else', async () => {
    const moving = adminWithCoordinator([16 /* NOT_COORDINATOR */, 14 /* COORDINATOR_LOAD_IN_PROGRESS */, 'ok']);
    await moving.admin.commitGroupOffsets({ groupId: 'g', topics: [{ topic: 't', partitions: [{ partition: 0, offset: '1' }] }] });
    expect(moving.calls).toHaveLength(3);

    const busy = adminWithCoordinator([25 /* UNKNOWN_MEMBER_ID: the group has members */]);
    await expect(busy.admin.commitGroupOffsets({ groupId: 'g', topics: [{ topic: 't', partitions: [{ partition: 0, offset: '1' }] }] })).rejects.toMatchObject({
      type: 'UNKNOWN_MEMBER_ID',
    });
    expect(busy.calls).toHaveLength(1);
  });

  it('refuses a call without a group or topics', async () => {
    const { admin } = adminWithCoordinator([]);
    await expect(admin.commitGroupOffsets({ groupId: '', topics: [] })).rejects.toThrow(/Invalid groupId/);
    await expect(admin.commitGroupOffsets({ groupId: 'g', topics: [] })).rejects.toThrow(/non-empty topics/);
  });
});
