import kafkajs, { type Admin } from 'kafkajs';
import { AppError } from '../errors/app-error.js';
import { fromKafkaError } from '../errors/kafka-errors.js';

const { AssignerProtocol } = kafkajs;

/** Kafka's classic group states plus `Dead` (no such group) and `Unknown`. */
export const GROUP_STATES = ['Empty', 'Stable', 'PreparingRebalance', 'CompletingRebalance', 'Dead', 'Unknown'] as const;
export type GroupState = (typeof GROUP_STATES)[number];

export interface GroupMember {
  memberId: string;
  clientId: string;
  clientHost: string;
  /** topic → partitions assigned to this member. */
  assignment: Record<string, number[]>;
}

export interface GroupDescription {
  groupId: string;
  state: GroupState;
  protocol: string;
  members: GroupMember[];
}

export function isRebalancing(state: GroupState): boolean {
  return state === 'PreparingRebalance' || state === 'CompletingRebalance';
}

function toGroupState(raw: string): GroupState {
  return (GROUP_STATES as readonly string[]).includes(raw) ? (raw as GroupState) : 'Unknown';
}

function decodeAssignment(buffer: Buffer): Record<string, number[]> {
  if (buffer.length === 0) return {};
  try {
    return AssignerProtocol.MemberAssignment.decode(buffer)?.assignment ?? {};
  } catch {
    // A non-consumer protocol (e.g. Connect) encodes assignments differently: report none.
    return {};
  }
}

/** State, protocol and members (with their partitions) of each group, in the order asked. */
export async function describeGroups(admin: Admin, groupIds: readonly string[]): Promise<GroupDescription[]> {
  try {
    const { groups } = await admin.describeGroups([...groupIds]);
    return groups.map((g) => ({
      groupId: g.groupId,
      state: toGroupState(g.state),
      protocol: g.protocol,
      members: g.members.map((m) => ({
        memberId: m.memberId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        assignment: decodeAssignment(m.memberAssignment),
      })),
    }));
  } catch (err) {
    throw fromKafkaError(err, { action: `describe groups ${groupIds.join(',')}` });
  }
}

export async function describeGroup(admin: Admin, groupId: string): Promise<GroupDescription> {
  const [group] = await describeGroups(admin, [groupId]);
  if (group === undefined) throw new AppError('GROUP_NOT_FOUND', `group ${groupId} was not described by the broker`);
  return group;
}

/** Ids of the consumer groups the cluster knows. */
export async function listGroupIds(admin: Admin): Promise<string[]> {
  try {
    const { groups } = await admin.listGroups();
    return groups.map((g) => g.groupId).sort();
  } catch (err) {
    throw fromKafkaError(err, { action: 'list groups' });
  }
}
