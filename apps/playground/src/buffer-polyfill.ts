/**
 * protolab's cores use Node's `Buffer` for byte/latin1 conversions (as Node users expect). In the
 * browser the `buffer` package (the same API, used by bundlers for this purpose) stands in for it.
 * Imported first by main.ts, so it runs before any package module.
 */
import { Buffer } from 'buffer';

const g = globalThis as { Buffer?: unknown };
g.Buffer ??= Buffer;
