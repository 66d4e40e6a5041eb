/**
 * The state machine of an application for conditional data (有条件开放申请) and of a sharing
 * request between departments (共享申请), design §7:
 *
 *   submitted → (returned_for_info ↔ submitted) → approved | rejected → (approved →) revoked | expired
 *
 * A sharing request can also go to the data authority (escalated) when the providing department
 * refuses it or lets its deadline pass, once the two departments have negotiated (协商, see
 * negotiation.ts); the authority's decision is final. A requester may
 * withdraw a request that has not been decided.
 */

import type { NegotiationStage } from './negotiation.ts';

export type RequestKind = 'application' | 'sharing';

export type RequestStatus =
  | 'submitted'
  | 'returned_for_info'
  | 'escalated'
  | 'approved'
  | 'rejected'
  | 'withdrawn'
  | 'revoked'
  | 'expired';

export type RequestAction =
  'return_for_info' | 'resubmit' | 'approve' | 'reject' | 'withdraw' | 'escalate' | 'revoke' | 'expire';

/** Who may take a step: the one who asked, the department holding the data, the authority, or the platform itself. */
export type Party = 'requester' | 'provider' | 'authority' | 'system';

export interface RequestFacts {
  /** The deadline of a submitted request has passed. */
  overdue?: boolean;
  /** The data authority already decided; nothing can be escalated again. */
  final?: boolean;
  /** Where the 协商 thread of a sharing request stands (see negotiation.ts). */
  negotiation?: NegotiationStage;
}

/** Escalation comes after 协商: the thread exists and its deadline passed or a side gave up. */
const negotiated = (f: RequestFacts) => f.negotiation === 'ended';

interface Step {
  from: RequestStatus;
  to: RequestStatus;
  by: Party[];
  kinds: RequestKind[];
  /** A condition beyond the state; when it fails the step is not available. */
  when?: (f: RequestFacts) => boolean;
}

const BOTH: RequestKind[] = ['application', 'sharing'];

const STEPS: Record<RequestAction, Step[]> = {
  return_for_info: [{ from: 'submitted', to: 'returned_for_info', by: ['provider'], kinds: BOTH }],
  resubmit: [{ from: 'returned_for_info', to: 'submitted', by: ['requester'], kinds: BOTH }],
  approve: [
    { from: 'submitted', to: 'approved', by: ['provider'], kinds: BOTH },
    { from: 'escalated', to: 'approved', by: ['authority'], kinds: ['sharing'] },
    // 协商 can end in agreement: the provider reconsiders its refusal.
    {
      from: 'rejected',
      to: 'approved',
      by: ['provider'],
      kinds: ['sharing'],
      when: (f) => !f.final && !!f.negotiation && f.negotiation !== 'none',
    },
  ],
  reject: [
    { from: 'submitted', to: 'rejected', by: ['provider'], kinds: BOTH },
    { from: 'escalated', to: 'rejected', by: ['authority'], kinds: ['sharing'] },
  ],
  withdraw: [
    { from: 'submitted', to: 'withdrawn', by: ['requester'], kinds: BOTH },
    { from: 'returned_for_info', to: 'withdrawn', by: ['requester'], kinds: BOTH },
    { from: 'escalated', to: 'withdrawn', by: ['requester'], kinds: ['sharing'] },
  ],
  escalate: [
    {
      from: 'rejected',
      to: 'escalated',
      by: ['requester'],
      kinds: ['sharing'],
      when: (f) => !f.final && negotiated(f),
    },
    {
      from: 'submitted',
      to: 'escalated',
      by: ['requester'],
      kinds: ['sharing'],
      when: (f) => !!f.overdue && negotiated(f),
    },
  ],
  revoke: [
    { from: 'approved', to: 'revoked', by: ['provider', 'authority'], kinds: BOTH, when: (f) => !f.final },
    // What the authority ordered binds the provider (seed 001 协调机制): only the authority undoes it.
    { from: 'approved', to: 'revoked', by: ['authority'], kinds: ['sharing'], when: (f) => !!f.final },
  ],
  expire: [{ from: 'approved', to: 'expired', by: ['system'], kinds: BOTH }],
};

export const requestStatuses: RequestStatus[] = [
  'submitted',
  'returned_for_info',
  'escalated',
  'approved',
  'rejected',
  'withdrawn',
  'revoked',
  'expired',
];
export const requestActions = Object.keys(STEPS) as RequestAction[];

/** Still waiting for someone to answer: these carry a running (or paused) deadline. */
export const openRequestStatuses: RequestStatus[] = ['submitted', 'returned_for_info', 'escalated'];

function step(
  kind: RequestKind,
  from: RequestStatus,
  action: RequestAction,
  facts: RequestFacts,
): Step | undefined {
  return STEPS[action]?.find((s) => s.from === from && s.kinds.includes(kind) && (!s.when || s.when(facts)));
}

/** Where `action` takes a request in state `from`, or null when the step does not exist. */
export function nextRequestStatus(
  kind: RequestKind,
  from: RequestStatus,
  action: RequestAction,
  facts: RequestFacts = {},
): RequestStatus | null {
  return step(kind, from, action, facts)?.to ?? null;
}

/** Who may take `action` from `from`; empty when the step does not exist. */
export function partiesFor(
  kind: RequestKind,
  from: RequestStatus,
  action: RequestAction,
  facts: RequestFacts = {},
): Party[] {
  return step(kind, from, action, facts)?.by ?? [];
}

/** Every step a party could take now (for buttons on a page). */
export function availableActions(
  kind: RequestKind,
  from: RequestStatus,
  parties: Party[],
  facts: RequestFacts = {},
): RequestAction[] {
  return requestActions.filter((a) => partiesFor(kind, from, a, facts).some((p) => parties.includes(p)));
}

/** The deadline clock runs in these states; returned_for_info pauses it, decisions stop it. */
export const clockRuns = (status: RequestStatus) => status === 'submitted' || status === 'escalated';
