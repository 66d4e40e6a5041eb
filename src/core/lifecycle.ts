import type { DatasetStatus } from './types.ts';

/**
 * Dataset lifecycle (draft → in_review → published → withdrawn). Publishing again from
 * `published` is allowed: it records a new immutable version of changed metadata.
 */
export type DatasetAction = 'submit' | 'publish' | 'withdraw' | 'return_to_draft';

const TRANSITIONS: Record<DatasetAction, { from: DatasetStatus[]; to: DatasetStatus }> = {
  submit: { from: ['draft'], to: 'in_review' },
  publish: { from: ['draft', 'in_review', 'published', 'withdrawn'], to: 'published' },
  withdraw: { from: ['published'], to: 'withdrawn' },
  return_to_draft: { from: ['in_review', 'withdrawn'], to: 'draft' },
};

export function nextStatus(current: DatasetStatus, action: DatasetAction): DatasetStatus | null {
  const t = TRANSITIONS[action];
  return t.from.includes(current) ? t.to : null;
}

export const datasetStatuses: DatasetStatus[] = ['draft', 'in_review', 'published', 'withdrawn'];
