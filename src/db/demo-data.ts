/**
 * The demo company: «Вектор-Интеграция», an IT integrator with several lines of business, and a few
 * hundred of its clients, so that GraphiQL has something to show on an empty database.
 *
 * It tells the seed's story: clients already using «Сервис 1» or «Сервис 2» (or both), partners'
 * clients whom nobody may call, competitors, prospects. Everything is written through the services,
 * so the demo data obeys the same checks as data written through the API, and it is generated from a
 * fixed seed so that every machine (and every test) sees the same clients. A few saved segments ask
 * the story's questions: whom to offer Service 2, who the partners' clients are, who was in the New
 * Year campaign.
 */
import type { ClientInput, PropertyInput, PropertyValueInput, RelationshipTypeInput, SegmentInput } from '../generated/graphql';
import { createClient } from '../modules/client/client.service';
import { createProperty, createPropertySet, setPropertyOptionArchived } from '../modules/property/property.service';
import { createRelationshipType } from '../modules/relationship-type/relationship-type.service';
import { createSegment } from '../modules/segment/segment.service';
import type { Db } from './connection';
import { clients, propertySets, relationshipTypes } from './schema';

export const DEMO_SEED = 20_240_917;

const CLIENT_COUNT = 300;

// Word lists

type TypeCode = 'our_client' | 'prospect' | 'partner' | 'partner_client' | 'competitor';

const RELATIONSHIP_TYPES: readonly (RelationshipTypeInput & { code: TypeCode })[] = [
  {
    code: 'our_client',
    name: 'Наш клиент',
    description: 'Действующий клиент: есть договор хотя бы на один сервис.',
    contactPolicy: 'ALLOWED',
    briefing: 'Уже работает с нами: говорите о сервисах, которыми пользуется, не предлагайте их заново.',
  },
  {
    code: 'prospect',
    name: 'Потенциальный клиент',
    description: 'Ещё ничего у нас не покупал: заявка с сайта, выставка, тендер.',
    contactPolicy: 'ALLOWED',
    briefing: 'Ещё не клиент: представьтесь и выясните, что нужно компании.',
  },
  {
    code: 'partner',
    name: 'Партнёр',
    description: 'Перепродаёт и внедряет наши сервисы своим клиентам.',
    contactPolicy: 'ALLOWED',
    briefing: 'Партнёр: звоним по совместным проектам, сервисы как конечному клиенту не предлагаем.',
  },
  {
    code: 'partner_client',
    name: 'Клиент партнёра',
    description: 'Обслуживается у одного из наших партнёров.',
    contactPolicy: 'DO_NOT_CONTACT',
    briefing: 'Клиент нашего партнёра: не беспокоим, вопросы — через партнёра.',
  },
  {
    code: 'competitor',
    name: 'Конкурент',
    description: 'Продаёт похожие сервисы; бывает, участвует с нами в одних тендерах.',
    contactPolicy: 'ALLOWED',
    briefing: 'Конкурент: цены, планы и имена клиентов не обсуждаем, коммерческих предложений не делаем.',
  },
];

const PROPERTY_SETS = [
  { code: 'services', name: 'Сервисы', description: 'Что клиент у нас покупает и на каких условиях.' },
  { code: 'profile', name: 'Профиль клиента', description: 'Чем живёт сам клиент: регион, отрасль, размер.' },
] as const;

interface Option {
  code: string;
  label: string;
}

/** «Аренда серверов» is no longer sold: it is archived once the clients holding it are written. */
const SERVICES: readonly (Option & { weight: number })[] = [
  { code: 'service_1', label: 'Сервис 1', weight: 0.55 },
  { code: 'service_2', label: 'Сервис 2', weight: 0.45 },
  { code: 'cloud_accounting', label: 'Облачная бухгалтерия', weight: 0.3 },
  { code: 'edo', label: 'Электронный документооборот', weight: 0.35 },
  { code: 'support_24_7', label: 'Техподдержка 24/7', weight: 0.2 },
  { code: 'server_rent', label: 'Аренда серверов', weight: 0.08 },
];
const DISCONTINUED_SERVICE = 'server_rent';

interface Region extends Option {
  weight: number;
  phoneCodes: readonly string[];
}

const REGIONS: readonly Region[] = [
  { code: 'moscow', label: 'Москва', weight: 34, phoneCodes: ['495', '499'] },
  { code: 'spb', label: 'Санкт-Петербург', weight: 16, phoneCodes: ['812'] },
  { code: 'novosibirsk', label: 'Новосибирск', weight: 9, phoneCodes: ['383'] },
  { code: 'ekaterinburg', label: 'Екатеринбург', weight: 9, phoneCodes: ['343'] },
  { code: 'kazan', label: 'Казань', weight: 8, phoneCodes: ['843'] },
  { code: 'nizhny_novgorod', label: 'Нижний Новгород', weight: 7, phoneCodes: ['831'] },
  { code: 'krasnodar', label: 'Краснодар', weight: 7, phoneCodes: ['861'] },
  { code: 'samara', label: 'Самара', weight: 5, phoneCodes: ['846'] },
  { code: 'rostov', label: 'Ростов-на-Дону', weight: 5, phoneCodes: ['863'] },
];

const MOBILE_CODES = ['903', '905', '910', '915', '916', '921', '926', '952', '967', '985', '999'];

const INDUSTRIES: readonly (Option & { weight: number })[] = [
  { code: 'retail', label: 'Розничная торговля', weight: 16 },
  { code: 'wholesale', label: 'Оптовая торговля', weight: 14 },
  { code: 'manufacturing', label: 'Производство', weight: 14 },
  { code: 'construction', label: 'Строительство', weight: 10 },
  { code: 'logistics', label: 'Транспорт и логистика', weight: 9 },
  { code: 'it', label: 'Информационные технологии', weight: 6 },
  { code: 'finance', label: 'Финансы и страхование', weight: 5 },
  { code: 'healthcare', label: 'Медицина', weight: 6 },
  { code: 'education', label: 'Образование', weight: 4 },
  { code: 'horeca', label: 'Общепит и гостиницы', weight: 8 },
  { code: 'agro', label: 'Сельское хозяйство', weight: 8 },
];

const TAGS = [
  'ключевой',
  'тендер',
  'госзаказ',
  'Ёлка',
  'новогодняя акция',
  'пилотный проект',
  'переход с конкурента',
  'рекомендация',
  'отложенный спрос',
  'ЕГАИС',
  'маркировка',
  'ещё думают',
  'счёт-оферта',
  'крупный счёт',
];

/** Logins of the sales team; the partner department (orlov) looks after the partners. */
const MANAGERS: readonly { login: string; weight: number }[] = [
  { login: 'ivanova', weight: 18 },
  { login: 'petrov', weight: 16 },
  { login: 'smirnova', weight: 15 },
  { login: 'kuznetsov', weight: 13 },
  { login: 'sokolova', weight: 12 },
  { login: 'volkov', weight: 10 },
  { login: 'morozova', weight: 8 },
];
const PARTNER_MANAGER = 'orlov';

/** Adjectives in masculine, feminine and neuter form, to agree with the noun they go with. */
const ADJECTIVES: readonly [string, string, string][] = [
  ['Северный', 'Северная', 'Северное'],
  ['Восточный', 'Восточная', 'Восточное'],
  ['Южный', 'Южная', 'Южное'],
  ['Уральский', 'Уральская', 'Уральское'],
  ['Сибирский', 'Сибирская', 'Сибирское'],
  ['Волжский', 'Волжская', 'Волжское'],
  ['Балтийский', 'Балтийская', 'Балтийское'],
  ['Золотой', 'Золотая', 'Золотое'],
  ['Зелёный', 'Зелёная', 'Зелёное'],
  ['Новый', 'Новая', 'Новое'],
  ['Первый', 'Первая', 'Первое'],
  ['Светлый', 'Светлая', 'Светлое'],
  ['Тёплый', 'Тёплая', 'Тёплое'],
  ['Надёжный', 'Надёжная', 'Надёжное'],
  ['Честный', 'Честная', 'Честное'],
  ['Русский', 'Русская', 'Русское'],
];

const NOUNS: readonly { word: string; gender: 0 | 1 | 2 }[] = [
  { word: 'ветер', gender: 0 },
  { word: 'берег', gender: 0 },
  { word: 'мост', gender: 0 },
  { word: 'двор', gender: 0 },
  { word: 'край', gender: 0 },
  { word: 'ключ', gender: 0 },
  { word: 'маяк', gender: 0 },
  { word: 'стандарт', gender: 0 },
  { word: 'звезда', gender: 1 },
  { word: 'линия', gender: 1 },
  { word: 'гавань', gender: 1 },
  { word: 'артель', gender: 1 },
  { word: 'мануфактура', gender: 1 },
  { word: 'пекарня', gender: 1 },
  { word: 'долина', gender: 1 },
  { word: 'нива', gender: 1 },
  { word: 'поле', gender: 2 },
  { word: 'сияние', gender: 2 },
  { word: 'решение', gender: 2 },
  { word: 'подворье', gender: 2 },
  { word: 'товарищество', gender: 2 },
];

const COMPOUND_HEADS = ['Техно', 'Агро', 'Строй', 'Мед', 'Транс', 'Энерго', 'Лес', 'Хим', 'Металл', 'Эко', 'Гео', 'Тепло'];
const COMPOUND_TAILS = ['Сервис', 'Снаб', 'Торг', 'Пром', 'Комплект', 'Ресурс', 'Логистик', 'Систем', 'Трейд', 'Проект', 'Монтаж', 'Маркет'];
const COMPOUND_ENDINGS = ['-Плюс', '-Центр', '-Регион', '-М', ' Групп'];

const SINGLE_WORDS = [
  'Берёзка', 'Ромашка', 'Стрела', 'Гранит', 'Меридиан', 'Атлант', 'Орбита', 'Ладья', 'Ёлочка', 'Каскад',
  'Пеликан', 'Сфера', 'Радуга', 'Янтарь', 'Созвездие', 'Садко', 'Жемчуг', 'Кедр', 'Причал', 'Самовар',
];

const LEGAL_FORMS: readonly { form: string; weight: number }[] = [
  { form: 'ООО', weight: 72 },
  { form: 'АО', weight: 14 },
  { form: 'ПАО', weight: 2 },
  { form: 'ЗАО', weight: 4 },
  // The short working name alone, as 1C users often type it.
  { form: '', weight: 8 },
];

/** Surnames in masculine and feminine form, for sole traders (ИП). */
const SURNAMES: readonly [string, string][] = [
  ['Иванов', 'Иванова'], ['Смирнов', 'Смирнова'], ['Кузнецов', 'Кузнецова'], ['Попов', 'Попова'],
  ['Васильев', 'Васильева'], ['Соколов', 'Соколова'], ['Михайлов', 'Михайлова'], ['Новиков', 'Новикова'],
  ['Фёдоров', 'Фёдорова'], ['Морозов', 'Морозова'], ['Волков', 'Волкова'], ['Алексеев', 'Алексеева'],
  ['Лебедев', 'Лебедева'], ['Семёнов', 'Семёнова'], ['Егоров', 'Егорова'], ['Павлов', 'Павлова'],
  ['Козлов', 'Козлова'], ['Степанов', 'Степанова'], ['Николаев', 'Николаева'], ['Орлов', 'Орлова'],
  ['Ёлкин', 'Ёлкина'], ['Королёв', 'Королёва'], ['Журавлёв', 'Журавлёва'], ['Зайцев', 'Зайцева'],
];
const INITIALS = 'АБВГДЕИКЛМНОПРСТЮЯ';

const PARTNERS = [
  'ООО «Интегратор Северо-Запад»',
  'ООО «БухЭксперт»',
  'ООО «Учёт-Сервис Урал»',
  'АО «Сибирские бизнес-системы»',
  'ООО «Волга-Софт»',
  'ООО «Кубань Автоматизация»',
  'ООО «ЦентрУчёт»',
  'ООО «Казанские решения»',
  'ООО «ДокЛайн»',
  'ООО «Невский интегратор»',
  'ООО «Донская автоматизация»',
  'ИП Соловьёв Д. С.',
];

const COMPETITORS = [
  'ООО «ОблакоСофт»',
  'АО «Цифровые сервисы»',
  'ООО «АйТи-Сфера»',
  'ООО «Бухгалтерия Онлайн»',
  'ООО «ДатаЦентр Плюс»',
  'ООО «Учётные системы»',
];

/** Relationship types of the clients generated from word lists; null is a client not yet classified. */
const GENERATED_TYPES: readonly { code: TypeCode | null; weight: number }[] = [
  { code: 'our_client', weight: 47 },
  { code: 'prospect', weight: 32 },
  { code: 'partner_client', weight: 11 },
  { code: null, weight: 10 },
];

const EMAIL_BOXES = ['info', 'office', 'zakaz', 'buh', 'sales', 'mail'];
const MAIL_DOMAINS = ['mail.ru', 'yandex.ru', 'bk.ru', 'inbox.ru', 'gmail.com'];

const TRANSLIT: Record<string, string> = {
  а: 'a', б: 'b', в: 'v', г: 'g', д: 'd', е: 'e', ё: 'e', ж: 'zh', з: 'z', и: 'i', й: 'y', к: 'k', л: 'l',
  м: 'm', н: 'n', о: 'o', п: 'p', р: 'r', с: 's', т: 't', у: 'u', ф: 'f', х: 'kh', ц: 'ts', ч: 'ch',
  ш: 'sh', щ: 'shch', ъ: '', ы: 'y', ь: '', э: 'e', ю: 'yu', я: 'ya',
};

// Deterministic randomness

/** mulberry32: tiny, fast and good enough for demo data; Math.random would differ on every run. */
class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  weighted<T extends { weight: number }>(items: readonly T[]): T {
    const total = items.reduce((sum, item) => sum + item.weight, 0);
    let point = this.next() * total;
    for (const item of items) {
      point -= item.weight;
      if (point < 0) return item;
    }
    return items[items.length - 1];
  }

  sample<T>(items: readonly T[], count: number): T[] {
    return this.shuffle(items).slice(0, count);
  }

  shuffle<T>(items: readonly T[]): T[] {
    const result = [...items];
    for (let i = result.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [result[i], result[j]] = [result[j], result[i]];
    }
    return result;
  }
}

// Entry points

export function loadDemoDataIfEmpty(db: Db): boolean {
  // Checked inside the same transaction as the load, so two servers starting at once cannot both load it.
  return db.transaction((tx) => {
    if (!isEmpty(tx)) return false;
    loadDemoData(tx);
    return true;
  });
}

export function loadDemoData(db: Db): void {
  db.transaction((tx) => {
    createRelationshipTypes(tx);
    createPropertyDefinitions(tx);
    createClients(tx, new Random(DEMO_SEED));
    // Archived only now: an archived option cannot be written as a new value, yet old clients keep it.
    setPropertyOptionArchived(tx, 'used_service', DISCONTINUED_SERVICE, true);
    // Last: a STATIC segment given a filter takes a snapshot of the clients matching it now.
    createSegments(tx);
  });
}

function isEmpty(db: Db): boolean {
  return (
    db.select({ id: relationshipTypes.id }).from(relationshipTypes).limit(1).get() === undefined &&
    db.select({ id: propertySets.id }).from(propertySets).limit(1).get() === undefined &&
    db.select({ id: clients.id }).from(clients).limit(1).get() === undefined
  );
}

// Definitions

function createRelationshipTypes(db: Db): void {
  for (const input of RELATIONSHIP_TYPES) createRelationshipType(db, input);
}

const options = (items: readonly Option[]) => items.map(({ code, label }) => ({ code, label }));

function createPropertyDefinitions(db: Db): void {
  for (const set of PROPERTY_SETS) createPropertySet(db, set);
  const definitions: PropertyInput[] = [
    {
      set: 'services',
      code: 'used_service',
      name: 'Используемый сервис',
      valueType: 'ENUM',
      multiple: true,
      showInBriefing: true,
      options: options(SERVICES),
    },
    { set: 'services', code: 'contract_until', name: 'Договор действует до', valueType: 'DATE' },
    { set: 'services', code: 'vip', name: 'VIP', valueType: 'BOOLEAN', showInBriefing: true },
    { set: 'profile', code: 'region', name: 'Регион', valueType: 'ENUM', options: options(REGIONS) },
    {
      set: 'profile',
      code: 'industry',
      name: 'Отрасль',
      valueType: 'ENUM',
      showInBriefing: true,
      options: options(INDUSTRIES),
    },
    { set: 'profile', code: 'annual_revenue', name: 'Годовая выручка, ₽', valueType: 'NUMBER' },
    { set: 'profile', code: 'employees', name: 'Число сотрудников', valueType: 'NUMBER' },
    { set: 'profile', code: 'tags', name: 'Метки', valueType: 'STRING', multiple: true },
  ];
  for (const input of definitions) createProperty(db, input);
}

// Segments

/** The questions the seed's story asks, saved as segments; created in this order. */
const SEGMENTS: readonly SegmentInput[] = [
  {
    code: 'offer_service_2',
    name: 'Пользуются Сервисом 1 — предложить Сервис 2',
    description: 'Уже работают с Сервисом 1, а Сервиса 2 у них ещё нет: кому звонить с предложением.',
    kind: 'DYNAMIC',
    filter: { property: { code: 'used_service', anyOf: ['service_1'], noneOf: ['service_2'] } },
  },
  {
    code: 'vip_moscow',
    name: 'VIP-клиенты в Москве',
    description: 'VIP-клиенты из Москвы: личные встречи и приглашения на мероприятия.',
    kind: 'DYNAMIC',
    filter: {
      and: [
        { property: { code: 'vip', anyOf: ['true'] } },
        { property: { code: 'region', anyOf: ['moscow'] } },
      ],
    },
  },
  {
    code: 'partner_clients',
    name: 'Клиенты партнёров',
    description: 'Обслуживаются у наших партнёров: не беспокоим, вопросы решаем через партнёра.',
    kind: 'DYNAMIC',
    filter: { relationshipType: { in: ['partner_client'] } },
  },
  {
    code: 'service_1_users',
    name: 'Пользователи Сервиса 1',
    description: 'Все, у кого есть Сервис 1, в том числе купившие его через партнёра: в список обзвона клиенты партнёров не попадут.',
    kind: 'DYNAMIC',
    filter: { property: { code: 'used_service', anyOf: ['service_1'] } },
  },
  {
    code: 'new_year_campaign',
    name: 'Новогодняя акция',
    description: 'Участники новогодней акции: список зафиксирован при её запуске по меткам «Ёлка» и «новогодняя акция», дальше правится вручную.',
    kind: 'STATIC',
    filter: { property: { code: 'tags', anyOf: ['Ёлка', 'новогодняя акция'] } },
  },
];

function createSegments(db: Db): void {
  for (const input of SEGMENTS) createSegment(db, input);
}

// Clients

interface ClientPlan {
  type: TypeCode | null;
  /** A fixed name; otherwise one is made up from the word lists. */
  name?: string;
  /** Fields given here win over generated ones (properties as a whole). */
  overrides?: Partial<ClientInput>;
}

/** The clients the seed's story needs by name, beside the generated crowd. */
const STORY_CLIENTS: readonly ClientPlan[] = [
  {
    // The seed's "Client A": already uses Service 1 (and 2), so managers talk to it "on another level".
    type: 'our_client',
    name: 'Рога и копыта',
    overrides: {
      manager: 'ivanova',
      phone: '+7 (495) 123-45-67',
      email: 'info@roga-i-kopyta.ru',
      doNotContact: false,
      properties: [
        { code: 'used_service', values: ['service_1', 'service_2'] },
        { code: 'contract_until', values: ['2026-12-31'] },
        { code: 'vip', values: ['true'] },
        { code: 'region', values: ['moscow'] },
        { code: 'industry', values: ['wholesale'] },
        { code: 'annual_revenue', values: ['250000.5'] },
        { code: 'employees', values: ['12'] },
        { code: 'tags', values: ['ключевой', 'рекомендация'] },
      ],
    },
  },
  {
    type: 'our_client',
    name: 'Ёлка-Маркет',
    overrides: {
      manager: 'petrov',
      doNotContact: false,
      properties: [
        { code: 'used_service', values: ['service_2', 'edo'] },
        { code: 'region', values: ['spb'] },
        { code: 'industry', values: ['retail'] },
        { code: 'tags', values: ['Ёлка', 'новогодняя акция'] },
      ],
    },
  },
  // The seed's "Client B": a partner's client whom we do not disturb.
  { type: 'partner_client', name: 'ИП Ёлкин А. В.', overrides: { doNotContact: false } },
];

interface Party {
  /** The name without legal form, for e-mail addresses. */
  core: string;
  /** Sole trader: surname and initials, for a personal mailbox. */
  person?: { surname: string; initials: string };
}

class ClientFactory {
  private readonly usedNames = new Set<string>();
  private externalNumber = 100;

  constructor(private readonly rng: Random) {}

  build(plan: ClientPlan): ClientInput {
    const { rng } = this;
    const party = plan.name ? this.reserveName(plan.name) : this.inventName(plan.type);
    const region = rng.weighted(REGIONS);
    const input: ClientInput = {
      name: party.name,
      externalId: this.nextExternalId(plan.type),
      manager: this.managerFor(plan.type),
      phone: rng.chance(0.85) ? phoneIn(rng, region) : null,
      email: rng.chance(0.8) ? emailOf(rng, party) : null,
      doNotContact: rng.chance(plan.type === 'prospect' ? 0.09 : 0.04),
      relationshipType: plan.type,
      properties: propertiesFor(rng, plan.type, region, party.person !== undefined),
      ...plan.overrides,
    };
    return input;
  }

  private reserveName(name: string): Party & { name: string } {
    this.usedNames.add(name);
    const surname = /^ИП (\S+) (.+)$/.exec(name);
    const core = name.replace(/^(ООО|АО|ПАО|ЗАО|ИП)\s+/, '').replace(/[«»]/g, '');
    return surname ? { name, core, person: { surname: surname[1], initials: surname[2] } } : { name, core };
  }

  private inventName(type: TypeCode | null): Party & { name: string } {
    // Word lists give thousands of names; a few hundred attempts can only fail if they are emptied.
    for (let attempt = 0; attempt < 200; attempt++) {
      const party = this.rng.chance(type === 'prospect' ? 0.2 : 0.14) ? this.soleTrader() : this.company();
      if (!this.usedNames.has(party.name)) return this.reserveName(party.name);
    }
    throw new Error('Demo data: ran out of client names');
  }

  private company(): { name: string } {
    const { rng } = this;
    let core: string;
    const style = rng.next();
    if (style < 0.5) {
      const noun = rng.pick(NOUNS);
      core = `${rng.pick(ADJECTIVES)[noun.gender]} ${noun.word}`;
    } else if (style < 0.82) {
      core = rng.pick(COMPOUND_HEADS) + rng.pick(COMPOUND_TAILS) + (rng.chance(0.2) ? rng.pick(COMPOUND_ENDINGS) : '');
    } else {
      core = rng.pick(SINGLE_WORDS);
    }
    const { form } = rng.weighted(LEGAL_FORMS);
    return { name: form === '' ? core : `${form} «${core}»` };
  }

  private soleTrader(): { name: string } {
    const { rng } = this;
    const surname = rng.pick(SURNAMES)[rng.int(0, 1)];
    return { name: `ИП ${surname} ${rng.pick([...INITIALS])}. ${rng.pick([...INITIALS])}.` };
  }

  /** 1C numbers its records in order, with gaps where records were deleted; prospects are often not there yet. */
  private nextExternalId(type: TypeCode | null): string | null {
    this.externalNumber += this.rng.chance(0.85) ? 1 : this.rng.int(2, 5);
    const inOneC = type === 'prospect' ? 0.6 : type === null ? 0.4 : 0.95;
    return this.rng.chance(inOneC) ? `1C-${String(this.externalNumber).padStart(6, '0')}` : null;
  }

  private managerFor(type: TypeCode | null): string | null {
    if (type === 'partner') return PARTNER_MANAGER;
    if (this.rng.chance(type === null ? 0.3 : 0.03)) return null;
    return this.rng.weighted(MANAGERS).login;
  }
}

function createClients(db: Db, rng: Random): void {
  const plans: ClientPlan[] = [
    ...STORY_CLIENTS,
    ...PARTNERS.map((name): ClientPlan => ({ type: 'partner', name })),
    ...COMPETITORS.map((name): ClientPlan => ({ type: 'competitor', name })),
  ];
  while (plans.length < CLIENT_COUNT) plans.push({ type: rng.weighted(GENERATED_TYPES).code });
  // Mixed, so that the named clients are not simply the oldest ones.
  const factory = new ClientFactory(rng);
  for (const plan of rng.shuffle(plans)) createClient(db, factory.build(plan));
}

function propertiesFor(rng: Random, type: TypeCode | null, region: Region, soleTrader: boolean): PropertyValueInput[] {
  const noneAtAll = type === null ? 0.45 : type === 'prospect' ? 0.15 : 0.03;
  if (rng.chance(noneAtAll)) return [];
  const values: PropertyValueInput[] = [];
  const put = (code: string, held: string[]) => {
    if (held.length > 0) values.push({ code, values: held });
  };

  const services = servicesFor(rng, type);
  put('used_service', services);
  if (services.length > 0 && rng.chance(type === 'our_client' ? 0.85 : 0.4)) {
    put('contract_until', [dateBetween(rng, '2024-03-01', '2027-12-31')]);
  }
  if (type === 'our_client') {
    if (rng.chance(0.6)) put('vip', [String(rng.chance(0.25))]);
  } else if (rng.chance(0.1)) {
    put('vip', ['false']);
  }

  if (rng.chance(0.9)) put('region', [region.code]);
  const industry = type === 'partner' || type === 'competitor' ? 'it' : rng.weighted(INDUSTRIES).code;
  if (rng.chance(0.85)) put('industry', [industry]);
  if (rng.chance(0.75)) put('annual_revenue', [revenue(rng, soleTrader)]);
  if (rng.chance(0.7)) put('employees', [String(soleTrader ? rng.int(1, 15) : Math.round(10 ** (0.7 + rng.next() * 3.3)))]);
  if (rng.chance(type === 'competitor' ? 0.8 : 0.35)) {
    put('tags', type === 'competitor' ? ['тендер'] : rng.sample(TAGS, rng.int(1, 3)));
  }
  return values;
}

function servicesFor(rng: Random, type: TypeCode | null): string[] {
  switch (type) {
    case 'our_client': {
      const held = SERVICES.filter((service) => rng.chance(service.weight)).map((service) => service.code);
      // A client of ours uses at least one service, and the seed's Service 1 and 2 are the bread and butter.
      return held.length > 0 ? held : [rng.pick(['service_1', 'service_2'])];
    }
    case 'partner_client':
      // Bought through the partner, who resells our services.
      return rng.chance(0.45) ? [rng.pick(['service_1', 'edo', 'cloud_accounting'])] : [];
    case 'partner':
      return rng.chance(0.4) ? ['edo'] : [];
    default:
      return [];
  }
}

/** Rubles, a few with kopecks (canonical decimals drop trailing zeros, so "…,50" is stored as "….5"). */
function revenue(rng: Random, soleTrader: boolean): string {
  const exponent = soleTrader ? 5.7 + rng.next() * 1.8 : 6.5 + rng.next() * 3.5;
  const rubles = Math.round(10 ** exponent / 1000) * 1000;
  return rng.chance(0.2) ? `${rubles}.${String(rng.int(1, 99)).padStart(2, '0')}` : String(rubles);
}

function dateBetween(rng: Random, from: string, to: string): string {
  const start = Date.parse(`${from}T00:00:00Z`);
  const days = Math.round((Date.parse(`${to}T00:00:00Z`) - start) / 86_400_000);
  return new Date(start + rng.int(0, days) * 86_400_000).toISOString().slice(0, 10);
}

function phoneIn(rng: Random, region: Region): string {
  const code = rng.chance(0.25) ? rng.pick(MOBILE_CODES) : rng.pick(region.phoneCodes);
  const two = () => String(rng.int(0, 99)).padStart(2, '0');
  return `+7 (${code}) ${rng.int(100, 999)}-${two()}-${two()}`;
}

function emailOf(rng: Random, party: Party): string {
  if (party.person) {
    const initials = translit(party.person.initials.replace(/[^А-ЯЁ]/g, ''));
    return `${translit(party.person.surname)}.${initials}@${rng.pick(MAIL_DOMAINS)}`;
  }
  const domain = translit(party.core).replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'company';
  return `${rng.pick(EMAIL_BOXES)}@${domain}${rng.chance(0.9) ? '.ru' : '.com'}`;
}

function translit(text: string): string {
  return [...text.toLowerCase()].map((char) => TRANSLIT[char] ?? char).join('');
}
