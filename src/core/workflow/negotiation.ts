import type { RequestKind, RequestStatus } from './requests.ts';

/**
 * 协商 (seed 001 协调机制): "由使用部门与提供部门协商解决，不能达成一致意见的，由同级数据主管部门
 * 协调解决". A refused (or overdue) sharing request first opens a thread between the two
 * departments with its own deadline; only when that deadline passes, or either side gives up,
 * may the requester take the dispute to the data authority.
 *
 * `none`: no thread yet; `open`: the departments are talking; `ended`: the deadline passed or a
 * side gave up — escalation is open.
 */
export type NegotiationStage = 'none' | 'open' | 'ended';

export function negotiationStage(
  thread: { dueAt: Date | string; endedAt: Date | string | null } | null,
  now: Date,
): NegotiationStage {
  if (!thread) return 'none';
  if (thread.endedAt) return 'ended';
  return new Date(thread.dueAt).getTime() < now.getTime() ? 'ended' : 'open';
}

/** A thread can be opened on a sharing request the provider refused (not the authority) or left past its deadline. */
export function mayOpenNegotiation(
  kind: RequestKind,
  status: RequestStatus,
  facts: { overdue?: boolean; final?: boolean },
): boolean {
  return (
    kind === 'sharing' &&
    ((status === 'rejected' && !facts.final) || (status === 'submitted' && !!facts.overdue))
  );
}
