import type { ClientRow, RelationshipTypeRow } from '../../db/schema';

/** Why a client may not be contacted: a stable code and words a manager understands. */
export interface ContactExclusion {
  code: string;
  reason: string;
}

export const DO_NOT_CONTACT_CODE = 'do_not_contact';
export const DO_NOT_CONTACT_REASON = 'Клиент просил не беспокоить';

export const relationshipTypeExclusionCode = (type: RelationshipTypeRow) => `relationship_type:${type.code}`;
export const relationshipTypeExclusionReason = (type: RelationshipTypeRow) => `Тип отношений «${type.name}»: не беспокоить`;

/** Every reason the client may not be contacted; none means contact is allowed. */
export function contactExclusions(client: ClientRow, type: RelationshipTypeRow | null): ContactExclusion[] {
  const exclusions: ContactExclusion[] = [];
  if (type?.contactPolicy === 'DO_NOT_CONTACT') {
    exclusions.push({ code: relationshipTypeExclusionCode(type), reason: relationshipTypeExclusionReason(type) });
  }
  if (client.doNotContact) exclusions.push({ code: DO_NOT_CONTACT_CODE, reason: DO_NOT_CONTACT_REASON });
  return exclusions;
}
