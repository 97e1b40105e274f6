import type { ClientRow } from '../../db/schema';
import type { ClientConnectionModel } from '../client/client.models';

export interface CallListEntryModel {
  client: ClientRow;
}

export interface CallListEdgeModel {
  cursor: string;
  node: CallListEntryModel;
}

export interface ExclusionCount {
  code: string;
  reason: string;
  count: number;
}

/** A page of contactable clients; counts of the excluded are computed only when asked for. */
export interface CallListConnectionModel {
  page: ClientConnectionModel;
  exclusions: () => { excludedCount: number; excluded: ExclusionCount[] };
}
