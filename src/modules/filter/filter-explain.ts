import type { Db } from '../../db/connection';
import type { ClientRow, PropertyOptionRow, PropertyRow, RelationshipTypeRow } from '../../db/schema';
import { valuesByClientIds } from '../client/client.repo';
import { requireClient } from '../client/client.service';
import { optionsByPropertyIds } from '../property/property.repo';
import { relationshipTypesByIds } from '../relationship-type/relationship-type.repo';
import { staticSegmentIdsOfClient } from '../segment/segment.repo';
import { displayValue } from '../property/property-values';
import { contactExclusions } from '../client/contact';
import { foldText } from '../shared/text';
import type { FilterNode, PropertyNode } from './filter.types';

/** Why a client matches a filter or not: a tree that mirrors the filter. */
export interface FilterExplanationModel {
  matches: boolean;
  reason: string;
  parts: FilterExplanationModel[];
}

/** Everything about one client that a filter can look at. */
export interface ClientFacts {
  client: ClientRow;
  relationshipType: RelationshipTypeRow | null;
  /** Canonical values the client holds, per property id, in option or value order. */
  values: Map<number, string[]>;
  /** Every option of the ENUM properties involved, by property id. */
  options: Map<number, PropertyOptionRow[]>;
  /** Ids of the STATIC segments the client is a member of. */
  staticSegmentIds: Set<number>;
}

const verdict = (matches: boolean) => (matches ? 'да' : 'нет');

const TEXT_FIELD_NAMES = { name: 'Название', manager: 'Менеджер', externalId: 'Внешний код' } as const;
const TIME_FIELD_NAMES = { createdAt: 'Создан', updatedAt: 'Изменён' } as const;

/** An instant as Russian readers write it, in UTC: 31.12.2025 09:30:00 UTC. */
function formatInstant(millis: number): string {
  const iso = new Date(millis).toISOString();
  return `${iso.slice(8, 10)}.${iso.slice(5, 7)}.${iso.slice(0, 4)} ${iso.slice(11, 19)} UTC`;
}

function textOf(facts: ClientFacts, field: keyof typeof TEXT_FIELD_NAMES): { raw: string | null; folded: string | null } {
  const { client } = facts;
  if (field === 'name') return { raw: client.name, folded: client.nameFolded };
  if (field === 'manager') return { raw: client.manager, folded: client.managerFolded };
  return { raw: client.externalId, folded: client.externalIdFolded };
}

function heldValues(facts: ClientFacts, property: PropertyRow): string[] {
  return facts.values.get(property.id) ?? [];
}

function describeHeld(facts: ClientFacts, property: PropertyRow): string {
  const held = heldValues(facts, property);
  if (held.length === 0) return `${property.name}: нет значения`;
  const options = facts.options.get(property.id) ?? [];
  const shown = held.map((key) => displayValue(property, key, options.find((option) => option.code === key))).join(', ');
  return `${property.name} = ${shown}`;
}

function describeType(facts: ClientFacts): string {
  return facts.relationshipType ? `Тип отношений = ${facts.relationshipType.name}` : 'Тип отношений не указан';
}

/** Evaluates a filter node for one client, by the same rules as the SQL compiler. */
export function matchesClient(node: FilterNode, facts: ClientFacts): boolean {
  switch (node.kind) {
    case 'all':
      return true;
    case 'and':
      return node.parts.every((part) => matchesClient(part, facts));
    case 'or':
      return node.parts.some((part) => matchesClient(part, facts));
    case 'not':
      return !matchesClient(node.part, facts);
    case 'ids':
      return node.ids.includes(facts.client.id);
    case 'text': {
      const { folded } = textOf(facts, node.field);
      if (folded === null) return false;
      if (node.operator === 'equals') return folded === node.folded;
      if (node.operator === 'startsWith') return folded.startsWith(node.folded);
      return folded.includes(node.folded);
    }
    case 'relationshipTypeIn':
      return facts.client.relationshipTypeId !== null && node.types.some((type) => type.id === facts.client.relationshipTypeId);
    case 'relationshipTypeIsNull':
      return facts.client.relationshipTypeId === null;
    case 'contactable':
      return contactExclusions(facts.client, facts.relationshipType).length === 0;
    case 'timeRange': {
      const at = node.field === 'createdAt' ? facts.client.createdAt : facts.client.updatedAt;
      return (node.from === null || at >= node.from) && (node.to === null || at < node.to);
    }
    case 'segment':
      return matchesClient(node.part, facts);
    case 'segmentMembers':
      return facts.staticSegmentIds.has(node.segment.id);
    default:
      return matchesProperty(node, facts);
  }
}

function matchesProperty(node: PropertyNode, facts: ClientFacts): boolean {
  const held = heldValues(facts, node.property);
  switch (node.kind) {
    case 'propertyExists':
      return held.length > 0;
    case 'propertyAnyOf':
      return node.values.some((value) => held.includes(value.valueKey));
    case 'propertyAllOf':
      return node.values.every((value) => held.includes(value.valueKey));
    case 'propertyExactly':
      return held.length === node.values.length && node.values.every((value) => held.includes(value.valueKey));
    case 'propertyContains':
      return held.some((value) => foldedIncludes(value, node.folded));
    case 'propertyRange': {
      const numeric = node.property.valueType === 'NUMBER';
      return held.some((value) =>
        node.bounds.every((bound) => {
          const difference = numeric
            ? Number(value) - bound.value.numberValue!
            : value < bound.value.valueKey ? -1 : value > bound.value.valueKey ? 1 : 0;
          switch (bound.operator) {
            case 'gt':
              return difference > 0;
            case 'gte':
              return difference >= 0;
            case 'lt':
              return difference < 0;
            case 'lte':
              return difference <= 0;
          }
        }),
      );
    }
  }
}

const foldedIncludes = (value: string, folded: string) => foldText(value).includes(folded);

const list = (items: readonly string[]) => `[${items.join(', ')}]`;

/** The operator as the user wrote it, for the reason of a leaf. */
function operatorLabel(node: FilterNode): string {
  switch (node.kind) {
    case 'not':
      switch (node.operator) {
        case 'noneOf':
          return `noneOf ${list((node.part as Extract<PropertyNode, { kind: 'propertyAnyOf' }>).values.map((v) => v.valueKey))}`;
        case 'notIn':
          return `notIn ${list((node.part as Extract<FilterNode, { kind: 'relationshipTypeIn' }>).types.map((t) => t.code))}`;
        case 'isNull':
          return 'isNull: false';
        case 'contactable':
          return 'contactable: false';
        case 'exists':
          return 'exists: false';
        default:
          return 'not';
      }
    case 'ids':
      return `ids ${list(node.ids.map(String))}`;
    case 'text':
      return `${node.operator} «${node.written}»`;
    case 'relationshipTypeIn':
      return `in ${list(node.types.map((t) => t.code))}`;
    case 'relationshipTypeIsNull':
      return 'isNull: true';
    case 'contactable':
      return 'contactable: true';
    case 'timeRange':
      return [node.from === null ? null : `from ${formatInstant(node.from)}`, node.to === null ? null : `to ${formatInstant(node.to)}`]
        .filter(Boolean)
        .join(', ');
    case 'propertyExists':
      return 'exists: true';
    case 'propertyAnyOf':
    case 'propertyAllOf':
    case 'propertyExactly': {
      const name = { propertyAnyOf: 'anyOf', propertyAllOf: 'allOf', propertyExactly: 'exactly' }[node.kind];
      return `${name} ${list(node.values.map((v) => v.valueKey))}`;
    }
    case 'propertyContains':
      return `contains «${node.written}»`;
    case 'propertyRange':
      return node.bounds.map((bound) => `${bound.operator} ${bound.value.valueKey}`).join(', ');
    default:
      return node.kind;
  }
}

/** What the client holds that the leaf looks at. */
function subject(node: FilterNode, facts: ClientFacts): string {
  const target = node.kind === 'not' ? node.part : node;
  switch (target.kind) {
    case 'ids':
      return `Клиент ${facts.client.id}`;
    case 'text': {
      const { raw } = textOf(facts, target.field);
      return raw === null ? `${TEXT_FIELD_NAMES[target.field]} не указан` : `${TEXT_FIELD_NAMES[target.field]} = «${raw}»`;
    }
    case 'relationshipTypeIn':
    case 'relationshipTypeIsNull':
      return describeType(facts);
    case 'contactable': {
      const exclusions = contactExclusions(facts.client, facts.relationshipType);
      return exclusions.length === 0 ? 'Связаться можно' : `Связаться нельзя: ${exclusions.map((e) => e.reason).join('; ')}`;
    }
    case 'timeRange': {
      const at = target.field === 'createdAt' ? facts.client.createdAt : facts.client.updatedAt;
      return `${TIME_FIELD_NAMES[target.field]} ${formatInstant(at)}`;
    }
    default:
      return 'property' in target ? describeHeld(facts, target.property) : '';
  }
}

/** The explanation tree of a filter node for one client; its verdicts are those of `matchesClient`. */
export function explainForClient(node: FilterNode, facts: ClientFacts): FilterExplanationModel {
  const matches = matchesClient(node, facts);
  switch (node.kind) {
    case 'all':
      return { matches, reason: 'Пустой фильтр: подходит любой клиент', parts: [] };
    case 'and':
      return { matches, reason: `Все условия (and): ${verdict(matches)}`, parts: node.parts.map((part) => explainForClient(part, facts)) };
    case 'or':
      return { matches, reason: `Хотя бы одно условие (or): ${verdict(matches)}`, parts: node.parts.map((part) => explainForClient(part, facts)) };
    case 'not':
      if (node.operator === undefined) {
        return { matches, reason: `Условие не выполнено (not): ${verdict(matches)}`, parts: [explainForClient(node.part, facts)] };
      }
      break;
    case 'segment':
      return {
        matches,
        reason: `Сегмент «${node.segment.name}» (${node.segment.code}): ${matches ? 'входит' : 'не входит'}`,
        parts: [explainForClient(node.part, facts)],
      };
    case 'segmentMembers':
      return {
        matches,
        reason: `Сегмент «${node.segment.name}» (${node.segment.code}), список участников: ${matches ? 'входит' : 'не входит'}`,
        parts: [],
      };
  }
  return { matches, reason: `${subject(node, facts)}; ${operatorLabel(node)}: ${verdict(matches)}`, parts: [] };
}

/** Loads what the filter can look at for one client (a handful of statements), then explains. */
export function explainFilterForClient(db: Db, node: FilterNode, clientId: string): FilterExplanationModel {
  const client = requireClient(db, clientId, 'clientId');
  const relationshipType = client.relationshipTypeId === null ? null : (relationshipTypesByIds(db, [client.relationshipTypeId])[0] ?? null);
  const values = new Map<number, string[]>();
  for (const row of valuesByClientIds(db, [client.id])) values.set(row.propertyId, [...(values.get(row.propertyId) ?? []), row.valueKey]);
  const options = new Map<number, PropertyOptionRow[]>();
  for (const option of optionsByPropertyIds(db, [...values.keys()])) {
    options.set(option.propertyId, [...(options.get(option.propertyId) ?? []), option]);
  }
  const staticSegmentIds = new Set(staticSegmentIdsOfClient(db, client.id));
  return explainForClient(node, { client, relationshipType, values, options, staticSegmentIds });
}
