import DataLoader from 'dataloader';
import type { Db } from '../../db/connection';
import type { SegmentRow } from '../../db/schema';
import { compileClientFilter } from '../filter/filter.sql';
import { resolveSegment } from '../filter/filter.resolve';
import { listSegments, membershipsOfClients } from './segment.repo';

export function createSegmentLoaders(db: Db) {
  return {
    /** Every saved segment each client belongs to now, in segment order: one statement per batch. */
    segmentsByClientId: new DataLoader((clientIds: readonly number[]) => {
      const segments = listSegments(db);
      const conditions = segments.map((segment) => ({ segmentId: segment.id, where: compileClientFilter(resolveSegment(db, segment)) }));
      const memberships = membershipsOfClients(db, clientIds, conditions);
      const byClient = new Map<number, Set<number>>();
      for (const { segmentId, clientId } of memberships) {
        byClient.set(clientId, (byClient.get(clientId) ?? new Set()).add(segmentId));
      }
      return Promise.resolve(
        clientIds.map((clientId): SegmentRow[] => segments.filter((segment) => byClient.get(clientId)?.has(segment.id))),
      );
    }),
  };
}
