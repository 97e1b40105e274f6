import type { Db } from '../../db/connection';
import type { PropertyOptionRow, PropertyRow, PropertySetRow } from '../../db/schema';
import { badInput, conflict, notFound } from '../../errors';
import type {
  PropertyInput,
  PropertyOptionInput,
  PropertyPatch,
  PropertySetInput,
  PropertySetPatch,
} from '../../generated/graphql';
import { assertCode, isGiven, optionalText, requiredText } from '../shared/validation';
import { assertNotReferencedBySegments } from '../segment/segment-references';
import * as repo from './property.repo';

export const MAX_OPTION_LABEL = 200;

function requirePropertySet(db: Db, code: string, field: string, asInput = false): PropertySetRow {
  const row = repo.findPropertySetByCode(db, code);
  if (!row) {
    const message = `Unknown property set "${code}"`;
    throw asInput ? badInput(message, field) : notFound(message, field);
  }
  return row;
}

/** The property named by a code; a mutation's own target is NOT_FOUND, a reference inside input BAD_USER_INPUT. */
export function requireProperty(db: Db, code: string, field: string, asInput = false): PropertyRow {
  const row = repo.findPropertyByCode(db, code);
  if (!row) {
    const message = `Unknown property "${code}"`;
    throw asInput ? badInput(message, field) : notFound(message, field);
  }
  return row;
}

function requireOption(db: Db, property: PropertyRow, code: string, field: string): PropertyOptionRow {
  const row = repo.findOption(db, property.id, code);
  if (!row) throw notFound(`Property "${property.code}" has no option "${code}"`, field);
  return row;
}

// Property sets

export function createPropertySet(db: Db, input: PropertySetInput): PropertySetRow {
  const values = {
    code: assertCode(input.code, 'input.code'),
    name: requiredText(input.name, 'input.name'),
    description: optionalText(input.description, 'input.description'),
  };
  return db.transaction((tx) => {
    if (repo.findPropertySetByCode(tx, values.code)) {
      throw conflict(`A property set with code "${values.code}" already exists`, 'input.code');
    }
    return repo.insertPropertySet(tx, values);
  });
}

export function updatePropertySet(db: Db, code: string, patch: PropertySetPatch): PropertySetRow {
  const changes: Partial<Pick<PropertySetRow, 'name' | 'description'>> = {};
  if (isGiven(patch, 'name')) changes.name = requiredText(patch.name, 'input.name');
  if (isGiven(patch, 'description')) changes.description = optionalText(patch.description, 'input.description');
  return db.transaction((tx) => repo.updatePropertySetRow(tx, requirePropertySet(tx, code, 'code').id, changes));
}

export function deletePropertySet(db: Db, code: string): boolean {
  return db.transaction((tx) => {
    const set = requirePropertySet(tx, code, 'code');
    const held = repo.countPropertiesInSet(tx, set.id);
    if (held > 0) {
      throw conflict(`Property set "${code}" holds ${held} propert${held === 1 ? 'y' : 'ies'}; delete or move them first`, 'code');
    }
    repo.deletePropertySetRow(tx, set.id);
    return true;
  });
}

// Properties

function validatedOption(option: PropertyOptionInput, field: string): PropertyOptionInput {
  return {
    code: assertCode(option.code, `${field}.code`),
    label: requiredText(option.label, `${field}.label`, MAX_OPTION_LABEL),
  };
}

export function createProperty(db: Db, input: PropertyInput): PropertyRow {
  const code = assertCode(input.code, 'input.code');
  const name = requiredText(input.name, 'input.name');
  const options = (input.options ?? []).map((option, i) => validatedOption(option, `input.options.${i}`));
  if (input.valueType === 'ENUM') {
    if (options.length === 0) throw badInput('An ENUM property needs at least one option', 'input.options');
    const seen = new Set<string>();
    options.forEach((option, i) => {
      if (seen.has(option.code)) throw badInput(`Option code "${option.code}" is given twice`, `input.options.${i}.code`);
      seen.add(option.code);
    });
  } else if (input.options && input.options.length > 0) {
    throw badInput(`Options are for ENUM properties only, not ${input.valueType}`, 'input.options');
  }
  return db.transaction((tx) => {
    const set = requirePropertySet(tx, input.set, 'input.set', true);
    if (repo.findPropertyByCode(tx, code)) throw conflict(`A property with code "${code}" already exists`, 'input.code');
    const property = repo.insertProperty(tx, {
      setId: set.id,
      code,
      name,
      valueType: input.valueType,
      multiple: input.multiple ?? false,
      showInBriefing: input.showInBriefing ?? false,
    });
    for (const option of options) repo.insertOption(tx, property.id, option.code, option.label);
    return property;
  });
}

export function updateProperty(db: Db, code: string, patch: PropertyPatch): PropertyRow {
  const name = isGiven(patch, 'name') ? requiredText(patch.name, 'input.name') : undefined;
  for (const key of ['set', 'multiple', 'showInBriefing'] as const) {
    if (isGiven(patch, key) && patch[key] === null) throw badInput(`${key} cannot be null`, `input.${key}`);
  }
  return db.transaction((tx) => {
    const property = requireProperty(tx, code, 'code');
    const changes: Parameters<typeof repo.updatePropertyRow>[2] = {};
    if (name !== undefined) changes.name = name;
    if (isGiven(patch, 'set')) changes.setId = requirePropertySet(tx, patch.set!, 'input.set', true).id;
    if (isGiven(patch, 'showInBriefing')) changes.showInBriefing = patch.showInBriefing!;
    if (isGiven(patch, 'multiple')) {
      if (property.multiple && !patch.multiple) {
        const blocking = repo.countClientsWithSeveralValues(tx, property.id);
        if (blocking > 0) {
          throw conflict(
            `Property "${code}" cannot become single-valued: ${blocking} client(s) hold several values`,
            'input.multiple',
            { clientCount: blocking },
          );
        }
      }
      changes.multiple = patch.multiple!;
    }
    return repo.updatePropertyRow(tx, property.id, changes);
  });
}

export function deleteProperty(db: Db, code: string): boolean {
  return db.transaction((tx) => {
    const property = requireProperty(tx, code, 'code');
    assertNotReferencedBySegments(tx, { kind: 'property', code }, 'code');
    const holders = repo.countClientsHoldingProperty(tx, property.id);
    if (holders > 0) {
      throw conflict(`Property "${code}" holds values of ${holders} client(s); clear them first`, 'code', { clientCount: holders });
    }
    repo.deletePropertyRow(tx, property.id);
    return true;
  });
}

// Options

function requireEnumProperty(db: Db, code: string): PropertyRow {
  const property = requireProperty(db, code, 'property');
  if (property.valueType !== 'ENUM') {
    throw badInput(`Property "${code}" is ${property.valueType}; only ENUM properties have options`, 'property');
  }
  return property;
}

export function addPropertyOption(db: Db, propertyCode: string, input: PropertyOptionInput): PropertyOptionRow {
  const option = validatedOption(input, 'option');
  return db.transaction((tx) => {
    const property = requireEnumProperty(tx, propertyCode);
    if (repo.findOption(tx, property.id, option.code)) {
      throw conflict(`Property "${propertyCode}" already has an option "${option.code}"`, 'option.code');
    }
    return repo.insertOption(tx, property.id, option.code, option.label);
  });
}

export function updatePropertyOption(db: Db, propertyCode: string, optionCode: string, label: string): PropertyOptionRow {
  const newLabel = requiredText(label, 'label', MAX_OPTION_LABEL);
  return db.transaction((tx) => {
    const option = requireOption(tx, requireEnumProperty(tx, propertyCode), optionCode, 'option');
    return repo.updateOptionRow(tx, option.id, { label: newLabel });
  });
}

export function setPropertyOptionArchived(db: Db, propertyCode: string, optionCode: string, archived: boolean): PropertyOptionRow {
  return db.transaction((tx) => {
    const option = requireOption(tx, requireEnumProperty(tx, propertyCode), optionCode, 'option');
    return option.archived === archived ? option : repo.updateOptionRow(tx, option.id, { archived });
  });
}

export function deletePropertyOption(db: Db, propertyCode: string, optionCode: string): boolean {
  return db.transaction((tx) => {
    const option = requireOption(tx, requireEnumProperty(tx, propertyCode), optionCode, 'option');
    assertNotReferencedBySegments(tx, { kind: 'option', property: propertyCode, code: optionCode }, 'option');
    const holders = repo.countClientsHoldingOption(tx, option.id);
    if (holders > 0) {
      throw conflict(
        `Option "${optionCode}" of "${propertyCode}" is held by ${holders} client(s); archive it instead`,
        'option',
        { clientCount: holders },
      );
    }
    repo.deleteOptionRow(tx, option.id);
    return true;
  });
}
