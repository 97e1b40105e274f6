import pino from 'pino';

export type Logger = pino.Logger;

/** Structured logs: one JSON line per event, with the request id where there is one. */
export const createLogger = (level = process.env.LOG_LEVEL ?? 'info'): Logger => pino({ level });

export const silentLogger = (): Logger => pino({ level: 'silent' });
