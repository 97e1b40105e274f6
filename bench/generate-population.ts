/**
 * A large, realistic population: definitions like the demo company's extended to 21 properties of
 * every type, Cyrillic names, around six values per client with skewed popularity. Deterministic for
 * a given seed. `generatePopulation` writes it straight into a database (fast, not through the API);
 * `npm run bench` sends the same clients through importClients where that is fast enough.
 *
 *   npx tsx bench/generate-population.ts --clients 100000 --db /tmp/bench.sqlite
 */
import fs from 'node:fs';
import { migrateDatabase, openDatabase, type Connection } from '../src/db/connection';
import type { ClientInput, PropertyInput } from '../src/generated/graphql';
import { createProperty, createPropertySet } from '../src/modules/property/property.service';
import { optionsByPropertyIds, listProperties } from '../src/modules/property/property.repo';
import { parsePropertyValue } from '../src/modules/property/property-values';
import { createRelationshipType } from '../src/modules/relationship-type/relationship-type.service';
import { listRelationshipTypes } from '../src/modules/relationship-type/relationship-type.repo';
import { foldText } from '../src/modules/shared/text';

export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const DEFAULT_SEED = 20261204;

const option = (code: string, label: string) => ({ code, label });

export const BENCH_TYPES = [
  { code: 'our_client', name: 'Наш клиент', weight: 40 },
  { code: 'prospect', name: 'Потенциальный клиент', weight: 30 },
  { code: 'partner', name: 'Партнёр', weight: 4 },
  { code: 'partner_client', name: 'Клиент партнёра', weight: 10, contactPolicy: 'DO_NOT_CONTACT' as const },
  { code: 'competitor', name: 'Конкурент', weight: 3 },
  { code: 'former_client', name: 'Бывший клиент', weight: 8 },
  { code: 'blacklist', name: 'Чёрный список', weight: 1, contactPolicy: 'DO_NOT_CONTACT' as const },
];

/** Each property with the chance that a client holds it, and how many values at most. */
export const BENCH_PROPERTIES: (PropertyInput & { chance: number; maxValues?: number; pool?: string[] })[] = [
  { set: 'services', code: 'used_service', name: 'Используемый сервис', valueType: 'ENUM', multiple: true, showInBriefing: true, chance: 0.7, maxValues: 3,
    options: [option('service_1', 'Сервис 1'), option('service_2', 'Сервис 2'), option('cloud_accounting', 'Облачная бухгалтерия'), option('edo', 'Электронный документооборот'), option('support_24_7', 'Техподдержка 24/7'), option('server_rent', 'Аренда серверов')] },
  { set: 'services', code: 'product_interest', name: 'Интерес к продуктам', valueType: 'ENUM', multiple: true, chance: 0.25, maxValues: 3,
    options: Array.from({ length: 10 }, (_, i) => option(`product_${i + 1}`, `Продукт ${i + 1}`)) },
  { set: 'services', code: 'channel', name: 'Канал привлечения', valueType: 'ENUM', multiple: true, chance: 0.25, maxValues: 2,
    options: [option('site', 'Сайт'), option('call', 'Холодный звонок'), option('expo', 'Выставка'), option('partner', 'Партнёр'), option('referral', 'Рекомендация')] },
  { set: 'profile', code: 'region', name: 'Регион', valueType: 'ENUM', chance: 0.9,
    options: [option('moscow', 'Москва'), option('spb', 'Санкт-Петербург'), option('novosibirsk', 'Новосибирск'), option('ekaterinburg', 'Екатеринбург'), option('kazan', 'Казань'), option('nizhny_novgorod', 'Нижний Новгород'), option('krasnodar', 'Краснодар'), option('samara', 'Самара'), option('rostov', 'Ростов-на-Дону')] },
  { set: 'profile', code: 'industry', name: 'Отрасль', valueType: 'ENUM', chance: 0.4,
    options: [option('retail', 'Розничная торговля'), option('wholesale', 'Оптовая торговля'), option('manufacturing', 'Производство'), option('construction', 'Строительство'), option('logistics', 'Логистика'), option('it', 'ИТ'), option('finance', 'Финансы'), option('healthcare', 'Медицина'), option('education', 'Образование'), option('horeca', 'Общепит'), option('agro', 'Сельское хозяйство')] },
  { set: 'profile', code: 'company_size', name: 'Размер компании', valueType: 'ENUM', chance: 0.3,
    options: [option('micro', 'Микро'), option('small', 'Малая'), option('medium', 'Средняя'), option('large', 'Крупная')] },
  { set: 'profile', code: 'certification', name: 'Сертификаты', valueType: 'ENUM', multiple: true, chance: 0.05, maxValues: 2,
    options: [option('iso9001', 'ISO 9001'), option('iso27001', 'ISO 27001'), option('gost', 'ГОСТ Р'), option('fstec', 'ФСТЭК')] },
  { set: 'profile', code: 'annual_revenue', name: 'Годовая выручка', valueType: 'NUMBER', chance: 0.45 },
  { set: 'profile', code: 'employees', name: 'Число сотрудников', valueType: 'NUMBER', chance: 0.25 },
  { set: 'profile', code: 'deal_count', name: 'Число сделок', valueType: 'NUMBER', chance: 0.15 },
  { set: 'profile', code: 'nps_scores', name: 'Оценки NPS', valueType: 'NUMBER', multiple: true, chance: 0.08, maxValues: 3 },
  { set: 'services', code: 'contract_until', name: 'Договор до', valueType: 'DATE', chance: 0.2 },
  { set: 'services', code: 'first_purchase', name: 'Первая покупка', valueType: 'DATE', chance: 0.15 },
  { set: 'profile', code: 'last_contact', name: 'Последний контакт', valueType: 'DATE', chance: 0.2 },
  { set: 'profile', code: 'events', name: 'Мероприятия', valueType: 'DATE', multiple: true, chance: 0.05, maxValues: 3 },
  { set: 'profile', code: 'vip', name: 'VIP', valueType: 'BOOLEAN', showInBriefing: true, chance: 0.15 },
  { set: 'services', code: 'has_edo', name: 'Подключён ЭДО', valueType: 'BOOLEAN', chance: 0.12 },
  { set: 'profile', code: 'newsletter', name: 'Рассылка', valueType: 'BOOLEAN', chance: 0.1 },
  { set: 'profile', code: 'tags', name: 'Метки', valueType: 'STRING', multiple: true, chance: 0.1, maxValues: 3,
    pool: ['ключевой', 'тендер', 'госзаказ', 'Ёлка', 'новогодняя акция', 'пилотный проект', 'переход с конкурента', 'рекомендация', 'отложенный спрос', 'ЕГАИС', 'маркировка', 'ещё думают', 'счёт-оферта', 'крупный счёт'] },
  { set: 'profile', code: 'district', name: 'Район', valueType: 'STRING', chance: 0.08,
    pool: ['Центральный', 'Северный', 'Южный', 'Западный', 'Восточный', 'Зеленоградский', 'Приморский', 'Выборгский', 'Ленинский', 'Кировский'] },
  { set: 'profile', code: 'note', name: 'Заметка', valueType: 'STRING', chance: 0.05,
    pool: ['перезвонить после праздников', 'нужен счёт', 'директор в отпуске', 'интересуется скидками', 'просил КП на почту'] },
];

const NAME_HEADS = ['Техно', 'Агро', 'Строй', 'Мед', 'Транс', 'Энерго', 'Лес', 'Хим', 'Металл', 'Эко', 'Гео', 'Тепло', 'Рога', 'Ёлка', 'Вектор', 'Альфа', 'Северо', 'Юго', 'Урал', 'Сибирь'];
const NAME_TAILS = ['сервис', 'снаб', 'торг', 'пром', 'комплект', 'ресурс', 'логистик', 'систем', 'трейд', 'проект', 'монтаж', 'маркет', ' и копыта', 'строй', 'инвест'];
const LEGAL_FORMS = ['ООО', 'ООО', 'ООО', 'АО', 'ИП', 'ПАО', 'ЗАО'];
const MANAGERS = ['ivanova', 'petrov', 'smirnova', 'kuznetsov', 'sokolova', 'volkov', 'morozova', 'orlov', 'lebedeva', 'kozlov'];

/** Skewed choice: the i-th item is picked with weight 1/(i+1), as popularity usually is. */
function zipf<T>(random: () => number, items: readonly T[]): T {
  const total = items.reduce((sum, _, i) => sum + 1 / (i + 1), 0);
  let point = random() * total;
  for (let i = 0; i < items.length; i++) {
    point -= 1 / (i + 1);
    if (point <= 0) return items[i];
  }
  return items[items.length - 1];
}

function weighted<T extends { weight: number }>(random: () => number, items: readonly T[]): T {
  const total = items.reduce((sum, item) => sum + item.weight, 0);
  let point = random() * total;
  for (const item of items) {
    point -= item.weight;
    if (point <= 0) return item;
  }
  return items[items.length - 1];
}

function randomValue(random: () => number, property: (typeof BENCH_PROPERTIES)[number]): string {
  switch (property.valueType) {
    case 'ENUM':
      return zipf(random, property.options!).code;
    case 'NUMBER':
      if (property.code === 'annual_revenue') return String(Math.round(10 ** (5 + random() * 5)) / (random() < 0.2 ? 2 : 1));
      if (property.code === 'nps_scores') return String(Math.floor(random() * 11));
      return String(Math.floor(10 ** (random() * 4)));
    case 'DATE': {
      const day = new Date(Date.UTC(2020, 0, 1) + Math.floor(random() * 365 * 7) * 86400000);
      return day.toISOString().slice(0, 10);
    }
    case 'BOOLEAN':
      return random() < 0.3 ? 'true' : 'false';
    case 'STRING':
      return zipf(random, property.pool!);
  }
}

export function defineBenchCompany(db: Connection): void {
  db.transaction((tx) => {
    for (const type of BENCH_TYPES) createRelationshipType(tx, { code: type.code, name: type.name, contactPolicy: type.contactPolicy ?? 'ALLOWED' });
    createPropertySet(tx, { code: 'services', name: 'Сервисы' });
    createPropertySet(tx, { code: 'profile', name: 'Профиль клиента' });
    for (const { chance: _chance, maxValues: _max, pool: _pool, ...input } of BENCH_PROPERTIES) createProperty(tx, input);
  });
}

/** One generated client, as an import row would carry it, with the moment it was created. */
export interface GeneratedClient {
  input: ClientInput & { properties: { code: string; values: string[] }[] };
  createdAt: number;
}

/**
 * The clients one after the other, the same for a seed whichever way they are then written (straight
 * into SQLite or through importClients), so both loading paths hold the same population.
 */
export function* generateClients(clientCount: number, seed = DEFAULT_SEED): Generator<GeneratedClient> {
  const random = seededRandom(seed);
  const start = Date.UTC(2024, 0, 1);
  for (let i = 0; i < clientCount; i++) {
    const name = `${LEGAL_FORMS[Math.floor(random() * LEGAL_FORMS.length)]} «${zipf(random, NAME_HEADS)}${NAME_TAILS[Math.floor(random() * NAME_TAILS.length)]} ${i}»`;
    const manager = random() < 0.9 ? MANAGERS[Math.floor(random() * MANAGERS.length)] : null;
    const externalId = random() < 0.8 ? `1C-${String(i).padStart(7, '0')}` : null;
    const relationshipType = random() < 0.05 ? null : weighted(random, BENCH_TYPES).code;
    const phone = `+7 495 ${String(i % 10000000).padStart(7, '0')}`;
    const email = random() < 0.7 ? `client${i}@example.ru` : null;
    const doNotContact = random() < 0.05;
    const properties: { code: string; values: string[] }[] = [];
    for (const definition of BENCH_PROPERTIES) {
      if (random() >= definition.chance) continue;
      const count = definition.multiple ? 1 + Math.floor(random() * (definition.maxValues ?? 1)) : 1;
      // Skewed draws repeat values; a client holds each value once, as a write would keep it.
      const values = new Set<string>();
      for (let v = 0; v < count; v++) values.add(randomValue(random, definition));
      properties.push({ code: definition.code, values: [...values] });
    }
    yield {
      input: { externalId, name, manager, phone, email, doNotContact, relationshipType, properties },
      createdAt: start + i * 1000,
    };
  }
}

/** Definitions through the project's services, then the clients straight into SQLite with prepared statements (fast). */
export function generatePopulation(db: Connection, clientCount: number, seed = DEFAULT_SEED, log = (_: string) => {}): void {
  defineBenchCompany(db);
  const types = new Map(listRelationshipTypes(db).map((t) => [t.code, t.id]));
  const properties = listProperties(db);
  const byCode = new Map(properties.map((p) => [p.code, p]));
  const optionsByProperty = new Map(properties.map((p) => [p.id, new Map(optionsByPropertyIds(db, [p.id]).map((o) => [o.code, o]))]));
  const sqlite = db.$client;
  const insertClient = sqlite.prepare(
    `insert into clients (external_id, external_id_folded, name, name_folded, manager, manager_folded, phone, email, do_not_contact, relationship_type_id, created_at, updated_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insertValue = sqlite.prepare(
    `insert into client_property_values (client_id, property_id, value_key, number_value, option_id, text_folded) values (?, ?, ?, ?, ?, ?)`,
  );
  const clients = generateClients(clientCount, seed);
  const batch = sqlite.transaction((size: number) => {
    for (let n = 0; n < size; n++) {
      const { input, createdAt } = clients.next().value as GeneratedClient;
      const { externalId, name, manager } = input;
      const { lastInsertRowid } = insertClient.run(
        externalId, externalId && foldText(externalId), name, foldText(name), manager, manager && foldText(manager), input.phone, input.email,
        input.doNotContact ? 1 : 0, input.relationshipType ? types.get(input.relationshipType)! : null, createdAt, createdAt,
      );
      for (const { code, values } of input.properties) {
        const property = byCode.get(code)!;
        for (const value of values) {
          const stored = parsePropertyValue(property, value, { optionsByCode: optionsByProperty.get(property.id)!, allowArchived: () => true, field: 'generated' });
          insertValue.run(lastInsertRowid, property.id, stored.valueKey, stored.numberValue, stored.optionId, stored.textFolded);
        }
      }
    }
  });
  const step = 10000;
  for (let from = 0; from < clientCount; from += step) {
    batch(Math.min(step, clientCount - from));
    if ((from / step) % 10 === 9) log(`${from + step} clients`);
  }
  sqlite.pragma('optimize');
  sqlite.exec('analyze');
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const option = (name: string, fallback: string) => {
    const at = args.indexOf(`--${name}`);
    return at >= 0 ? args[at + 1] : fallback;
  };
  const clients = Number(option('clients', '100000'));
  const dbPath = option('db', `/tmp/crm-bench-${clients}.sqlite`);
  for (const suffix of ['', '-wal', '-shm']) fs.rmSync(dbPath + suffix, { force: true });
  const db = openDatabase(dbPath, { synchronous: 'NORMAL' });
  migrateDatabase(db);
  const started = Date.now();
  generatePopulation(db, clients, DEFAULT_SEED, (line) => console.info(line));
  const values = (db.$client.prepare('select count(*) as n from client_property_values').get() as { n: number }).n;
  console.info(`${clients} clients, ${values} values in ${dbPath} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  db.$client.close();
}
