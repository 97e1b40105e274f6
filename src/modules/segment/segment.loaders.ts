import DataLoader from 'dataloader';
import type { Db } from '../../db/connection';
import type { ClientIndex } from '../client-index/client-index';
import type { SegmentRow } from '../../db/schema';
import { compileClientFilter } from '../filter/filter.sql';
import { resolveSegment } from '../filter/filter.resolve';
import { listSegments, membershipsOfClients } from './segment.repo';

export function createSegmentLoaders(db: Db, clientIndex: ClientIndex | null) {
  /** Which segment ids each client belongs to: bitmap lookups with the index, else one SQL statement. */
  function membershipsOf(segments: SegmentRow[], clientIds: readonly number[]): Map<number, Set<number>> {
    const byClient = new Map<number, Set<number>>();
    const add = (clientId: number, segmentId: number) => byClient.set(clientId, (byClient.get(clientId) ?? new Set()).add(segmentId));
    if (clientIndex) {
      for (const segment of segments) {
        const members = clientIndex.evaluate(resolveSegment(db, segment));
        for (const clientId of clientIds) if (members.has(clientId)) add(clientId, segment.id);
      }
      return byClient;
    }
    const conditions = segments.map((segment) => ({ segmentId: segment.id, where: compileClientFilter(resolveSegment(db, segment)) }));
    for (const { segmentId, clientId } of membershipsOfClients(db, clientIds, conditions)) add(clientId, segmentId);
    return byClient;
  }

  return {
    /** Every saved segment each client belongs to now, in segment order, for a whole page at once. */
    segmentsByClientId: new DataLoader((clientIds: readonly number[]) => {
      const segments = listSegments(db);
      const byClient = membershipsOf(segments, clientIds);
      return Promise.resolve(
        clientIds.map((clientId): SegmentRow[] => segments.filter((segment) => byClient.get(clientId)?.has(segment.id))),
      );
    }),
  };
}
