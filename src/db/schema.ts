import { sql } from 'drizzle-orm';
import {
  check,
  index,
  integer,
  primaryKey,
  real,
  sqliteTable,
  text,
  uniqueIndex,
} from 'drizzle-orm/sqlite-core';

/*
 * Table definitions. camelCase in TypeScript, snake_case in SQL.
 * Timestamps are integer milliseconds since the epoch: compact, and they sort as numbers.
 */

export const relationshipTypes = sqliteTable(
  'relationship_types',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    code: text('code').notNull(),
    name: text('name').notNull(),
    description: text('description'),
    contactPolicy: text('contact_policy', { enum: ['ALLOWED', 'DO_NOT_CONTACT'] })
      .notNull()
      .default('ALLOWED'),
    briefing: text('briefing'),
  },
  (t) => [
    uniqueIndex('relationship_types_code_unique').on(t.code),
    check('relationship_types_contact_policy_check', sql`${t.contactPolicy} in ('ALLOWED', 'DO_NOT_CONTACT')`),
  ],
);

export const propertySets = sqliteTable(
  'property_sets',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    code: text('code').notNull(),
    name: text('name').notNull(),
    description: text('description'),
  },
  (t) => [uniqueIndex('property_sets_code_unique').on(t.code)],
);

export const properties = sqliteTable(
  'properties',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    setId: integer('set_id')
      .notNull()
      .references(() => propertySets.id, { onDelete: 'restrict' }),
    code: text('code').notNull(),
    name: text('name').notNull(),
    valueType: text('value_type', { enum: ['STRING', 'NUMBER', 'BOOLEAN', 'DATE', 'ENUM'] }).notNull(),
    multiple: integer('multiple', { mode: 'boolean' }).notNull().default(false),
    showInBriefing: integer('show_in_briefing', { mode: 'boolean' }).notNull().default(false),
  },
  (t) => [
    uniqueIndex('properties_code_unique').on(t.code),
    index('properties_set_id_idx').on(t.setId),
    check('properties_value_type_check', sql`${t.valueType} in ('STRING', 'NUMBER', 'BOOLEAN', 'DATE', 'ENUM')`),
  ],
);

export const propertyOptions = sqliteTable(
  'property_options',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    propertyId: integer('property_id')
      .notNull()
      .references(() => properties.id, { onDelete: 'cascade' }),
    code: text('code').notNull(),
    label: text('label').notNull(),
    archived: integer('archived', { mode: 'boolean' }).notNull().default(false),
    /** Options are listed in the order they were added unless reordered; ties broken by id. */
    position: integer('position').notNull(),
  },
  (t) => [
    uniqueIndex('property_options_property_code_unique').on(t.propertyId, t.code),
    index('property_options_property_position_idx').on(t.propertyId, t.position),
  ],
);

export const clients = sqliteTable(
  'clients',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    externalId: text('external_id'),
    name: text('name').notNull(),
    manager: text('manager'),
    phone: text('phone'),
    email: text('email'),
    doNotContact: integer('do_not_contact', { mode: 'boolean' }).notNull().default(false),
    relationshipTypeId: integer('relationship_type_id').references(() => relationshipTypes.id, {
      onDelete: 'restrict',
    }),
    // Folded copies (case folded, ё read as е) so that the database itself can match and sort text
    // case-insensitively in every alphabet: SQLite's own LOWER and LIKE fold ASCII only.
    nameFolded: text('name_folded').notNull(),
    managerFolded: text('manager_folded'),
    externalIdFolded: text('external_id_folded'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('clients_external_id_unique').on(t.externalId),
    index('clients_name_folded_idx').on(t.nameFolded, t.id),
    index('clients_manager_folded_idx').on(t.managerFolded),
    index('clients_external_id_folded_idx').on(t.externalIdFolded),
    index('clients_relationship_type_idx').on(t.relationshipTypeId),
    index('clients_created_at_idx').on(t.createdAt, t.id),
    index('clients_updated_at_idx').on(t.updatedAt, t.id),
  ],
);

/**
 * One row per value a client holds, so a client can hold several values of one property.
 * `valueKey` is the canonical text (option code for ENUM, decimal text for NUMBER, YYYY-MM-DD for DATE,
 * "true"/"false", the text itself) and is what exact comparisons use; the typed columns let the database
 * compare by type: `numberValue` for NUMBER (so 9 < 10), `optionId` references the ENUM option, and
 * `textFolded` serves case-insensitive `contains` on STRING. ISO dates compare correctly as text.
 */
export const clientPropertyValues = sqliteTable(
  'client_property_values',
  {
    clientId: integer('client_id')
      .notNull()
      .references(() => clients.id, { onDelete: 'cascade' }),
    propertyId: integer('property_id')
      .notNull()
      .references(() => properties.id, { onDelete: 'restrict' }),
    valueKey: text('value_key').notNull(),
    numberValue: real('number_value'),
    optionId: integer('option_id').references(() => propertyOptions.id, { onDelete: 'restrict' }),
    textFolded: text('text_folded'),
  },
  (t) => [
    primaryKey({ columns: [t.clientId, t.propertyId, t.valueKey] }),
    index('client_property_values_by_value_idx').on(t.propertyId, t.valueKey, t.clientId),
    index('client_property_values_by_number_idx')
      .on(t.propertyId, t.numberValue, t.clientId)
      .where(sql`${t.numberValue} is not null`),
    index('client_property_values_option_idx').on(t.optionId).where(sql`${t.optionId} is not null`),
  ],
);

export const segments = sqliteTable(
  'segments',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    code: text('code').notNull(),
    name: text('name').notNull(),
    description: text('description'),
    kind: text('kind', { enum: ['DYNAMIC', 'STATIC'] }).notNull(),
    /** DYNAMIC: the saved ClientFilter as JSON, as it was given. */
    filterJson: text('filter_json'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('segments_code_unique').on(t.code),
    check('segments_kind_check', sql`${t.kind} in ('DYNAMIC', 'STATIC')`),
  ],
);

/** Members of STATIC segments; a deleted client leaves every segment with it. */
export const segmentMembers = sqliteTable(
  'segment_members',
  {
    segmentId: integer('segment_id')
      .notNull()
      .references(() => segments.id, { onDelete: 'cascade' }),
    clientId: integer('client_id')
      .notNull()
      .references(() => clients.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.segmentId, t.clientId] }), index('segment_members_client_idx').on(t.clientId)],
);

/**
 * Every change of a client: its creation and each field or property whose data changed, with who and
 * when. Values are JSON arrays in the canonical form of PropertyValue.values. Gone with the client.
 */
export const clientChanges = sqliteTable(
  'client_changes',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    clientId: integer('client_id')
      .notNull()
      .references(() => clients.id, { onDelete: 'cascade' }),
    at: integer('at').notNull(),
    actor: text('actor'),
    field: text('field').notNull(),
    beforeJson: text('before_json').notNull(),
    afterJson: text('after_json').notNull(),
  },
  (t) => [index('client_changes_client_idx').on(t.clientId, t.id)],
);

/** API tokens, stored only as SHA-256 hashes; `name` is the actor recorded in history. */
export const apiTokens = sqliteTable(
  'api_tokens',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    name: text('name').notNull(),
    role: text('role', { enum: ['VIEWER', 'EDITOR', 'ADMIN'] }).notNull(),
    tokenHash: text('token_hash').notNull(),
    createdAt: integer('created_at').notNull(),
    revokedAt: integer('revoked_at'),
  },
  (t) => [
    uniqueIndex('api_tokens_token_hash_unique').on(t.tokenHash),
    index('api_tokens_name_idx').on(t.name),
    check('api_tokens_role_check', sql`${t.role} in ('VIEWER', 'EDITOR', 'ADMIN')`),
  ],
);

export type RelationshipTypeRow = typeof relationshipTypes.$inferSelect;
export type PropertySetRow = typeof propertySets.$inferSelect;
export type PropertyRow = typeof properties.$inferSelect;
export type PropertyOptionRow = typeof propertyOptions.$inferSelect;
export type ClientRow = typeof clients.$inferSelect;
export type ClientPropertyValueRow = typeof clientPropertyValues.$inferSelect;
export type PropertyValueType = PropertyRow['valueType'];
export type SegmentRow = typeof segments.$inferSelect;
export type ApiTokenRow = typeof apiTokens.$inferSelect;
export type ClientChangeRow = typeof clientChanges.$inferSelect;
export type Role = ApiTokenRow['role'];
