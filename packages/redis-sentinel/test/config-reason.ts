import { parseSentinelConfig, SentinelConfigError } from '../src/index.js';

/** What parsing a sentinel config file gives: 'ok', or the error's line and reason as config.c prints them. */
export function reason(text: string): string {
  try {
    parseSentinelConfig(text);
    return 'ok';
  } catch (e) {
    if (e instanceof SentinelConfigError) return `line ${e.line}: ${e.reason}`;
    throw e;
  }
}
