import type { Kdb } from './db/index.ts';

/**
 * Domain events raised inside the transaction that makes the change (ADR 0022). A room reacts to
 * another room's change by subscribing here instead of writing the other room's tables or being
 * called by it: the room raising an event does not know who listens, so it may stand lower.
 * Subscribers run in the raising transaction, in the order they subscribed; one that throws
 * rolls the change back with it, so a reaction is never half done.
 */
export interface DomainEvents {
  /** A dataset's catalogue record was created or changed (edited, published, withdrawn). */
  datasetChanged: { datasetId: string; at: Date };
  /** A version of a distribution's data became its current version. */
  dataVersionPublished: {
    distributionId: string;
    version: number;
    rows: number;
    fields: number;
    bytes: number | null;
    checksum: string | null;
    downloadUrl: string;
    at: Date;
  };
  /** Data or a dataset's page was used: how many times per dataset, by kind (telemetry, never audited). */
  dataRead: {
    kind: 'downloads' | 'api_calls' | 'previews' | 'views';
    datasets: { datasetId: string; n: number }[];
  };
}

export type EventName = keyof DomainEvents;
export type Subscriber<K extends EventName> = (trx: Kdb, event: DomainEvents[K]) => Promise<void>;

const subscribers: { [K in EventName]: Subscriber<K>[] } = {
  datasetChanged: [],
  dataVersionPublished: [],
  dataRead: [],
};

/** Adds a subscriber; returns the function that removes it (for tests). */
export function subscribe<K extends EventName>(name: K, fn: Subscriber<K>): () => void {
  const list = subscribers[name] as Subscriber<K>[];
  list.push(fn);
  return () => {
    const i = list.indexOf(fn);
    if (i >= 0) list.splice(i, 1);
  };
}

/** Runs every subscriber of `name` inside `trx`, the transaction that made the change. */
export async function raise<K extends EventName>(trx: Kdb, name: K, event: DomainEvents[K]): Promise<void> {
  for (const fn of subscribers[name] as Subscriber<K>[]) await fn(trx, event);
}

export const onDatasetChanged = (fn: Subscriber<'datasetChanged'>) => subscribe('datasetChanged', fn);
export const onDataVersionPublished = (fn: Subscriber<'dataVersionPublished'>) =>
  subscribe('dataVersionPublished', fn);
export const onDataRead = (fn: Subscriber<'dataRead'>) => subscribe('dataRead', fn);
