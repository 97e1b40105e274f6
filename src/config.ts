/** Every environment variable the server reads, parsed and checked in one place. */
export interface Config {
  port: number;
  dbPath: string;
  demoData: boolean;
  synchronous: 'FULL' | 'NORMAL';
  /** Accepted as an admin token (scripts, CI); unset: only tokens made with `npm run token`. */
  adminToken: string | undefined;
  logLevel: string;
  /** Serve GET /metrics (ADMIN only) for the benchmark; off, the route does not exist. */
  metrics: boolean;
}

export class ConfigError extends Error {}

function parseBoolean(name: string, raw: string | undefined, fallback: boolean): boolean {
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = raw.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(value)) return true;
  if (['0', 'false', 'no', 'off'].includes(value)) return false;
  throw new ConfigError(`${name} must be true or false, got "${raw}"`);
}

function parsePort(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === '') return 4000;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`PORT must be an integer from 0 to 65535, got "${raw}"`);
  }
  return port;
}

function parseSynchronous(raw: string | undefined): 'FULL' | 'NORMAL' {
  if (raw === undefined || raw.trim() === '') return 'FULL';
  const value = raw.trim().toUpperCase();
  if (value === 'FULL' || value === 'NORMAL') return value;
  throw new ConfigError(`DB_SYNCHRONOUS must be FULL or NORMAL, got "${raw}"`);
}

function parseAdminToken(raw: string | undefined): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (raw.trim().length < 16) throw new ConfigError('ADMIN_TOKEN must be at least 16 characters long: it opens everything');
  return raw.trim();
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function parseLogLevel(raw: string | undefined): string {
  if (raw === undefined || raw.trim() === '') return 'info';
  const level = raw.trim().toLowerCase();
  if (!LOG_LEVELS.includes(level)) throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${raw}"`);
  return level;
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return {
    port: parsePort(env.PORT),
    dbPath: env.DB_PATH?.trim() || './data/crm.sqlite',
    demoData: parseBoolean('DEMO_DATA', env.DEMO_DATA, true),
    synchronous: parseSynchronous(env.DB_SYNCHRONOUS),
    adminToken: parseAdminToken(env.ADMIN_TOKEN),
    logLevel: parseLogLevel(env.LOG_LEVEL),
    metrics: parseBoolean('METRICS', env.METRICS, false),
  };
}
