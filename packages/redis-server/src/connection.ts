/**
 * Connection commands (networking.c helloCommand / resetCommand, acl.c authCommand): what a client
 * says about itself rather than about the data.
 */
import type { RespValue } from '@protolab/resp';
import type { Client } from './client.js';
import { keyOf } from './client.js';
import type { RedisServer } from './server.js';
import { REDIS_VERSION } from './version.js';
import { validName } from './client-command.js';

const err = (text: string): RespValue => ({ type: 'error', value: text });
const bulk = (s: string): RespValue => ({ type: 'bulk', value: new TextEncoder().encode(s) });
const OK: RespValue = { type: 'simple', value: 'OK' };

/**
 * acl.c ACLAuthenticateUser for the one user there is, `default`: with `requirepass` empty it has
 * nopass (any password is accepted), otherwise the password must equal `requirepass`. Success
 * authenticates the client; failure leaves it as it was.
 */
function authenticateUser(srv: RedisServer, c: Client, user: Uint8Array, pass: Uint8Array): boolean {
  if (keyOf(user) !== 'default') return false;
  const want = srv.config.get('requirepass');
  if (want !== '' && !samePassword(keyOf(pass), want)) return false;
  c.authenticated = true;
  return true;
}

/** Equal texts, compared without stopping at the first difference (acl.c time_independent_strcmp's intent). */
function samePassword(a: string, b: string): boolean {
  const n = Math.max(a.length, b.length);
  let diff = a.length ^ b.length;
  for (let i = 0; i < n; i++) diff |= (a.charCodeAt(i) | 0) ^ (b.charCodeAt(i) | 0); // NaN | 0 = 0 past the end
  return diff === 0;
}

const WRONGPASS = 'WRONGPASS invalid username-password pair or user is disabled.';

/**
 * networking.c helloCommand: HELLO [protover [AUTH username password] [SETNAME clientname]].
 * As 7.0.15 runs it, the options are acted on in order: an AUTH authenticates (or answers
 * WRONGPASS) when reached, a bad SETNAME name is refused when reached (after an AUTH before it
 * took effect); then an unauthenticated client is refused with NOAUTH.
 */
export function helloCommand(srv: RedisServer, c: Client, argv: readonly Uint8Array[]): RespValue {
  let ver: number = c.resp;
  let next = 1;
  if (argv.length >= 2) {
    const text = keyOf(argv[1] ?? new Uint8Array());
    if (!/^-?[1-9][0-9]{0,17}$|^0$/.test(text)) return err('ERR Protocol version is not an integer or out of range');
    ver = Number(text);
    next = 2;
    if (ver < 2 || ver > 3) return err('NOPROTO unsupported protocol version');
  }
  let setname: Uint8Array | undefined;
  for (let j = next; j < argv.length; j++) {
    const opt = keyOf(argv[j] ?? new Uint8Array()).toLowerCase();
    const left = argv.length - j - 1;
    if (opt === 'auth' && left >= 2) {
      if (!authenticateUser(srv, c, argv[j + 1] ?? new Uint8Array(), argv[j + 2] ?? new Uint8Array())) return err(WRONGPASS);
      j += 2;
    } else if (opt === 'setname' && left >= 1) {
      setname = argv[j + 1] ?? new Uint8Array();
      if (!validName(setname)) return err('ERR Client names cannot contain spaces, newlines or special characters.');
      j += 1;
    } else {
      return err(`ERR Syntax error in HELLO option '${keyOf(argv[j] ?? new Uint8Array())}'`);
    }
  }
  if (!authRequiredPassed(srv, c)) {
    return err('NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time');
  }
  if (setname !== undefined) c.name = setname.length === 0 ? undefined : setname;
  c.resp = ver === 3 ? 3 : 2;
  return {
    type: 'map',
    value: [
      [bulk('server'), bulk('redis')],
      [bulk('version'), bulk(REDIS_VERSION)],
      [bulk('proto'), { type: 'integer', value: BigInt(c.resp) }],
      [bulk('id'), { type: 'integer', value: BigInt(c.id) }],
      [bulk('mode'), bulk('standalone')],
      [bulk('role'), bulk('master')],
      [bulk('modules'), { type: 'array', value: [] }],
    ],
  };
}

/**
 * server.c authRequired, negated: the client may run commands without the NO_AUTH flag — it has
 * authenticated, or the default user has no password (so removing `requirepass` opens every
 * connection at once, and setting it closes only connections made or RESET after it).
 */
export function authRequiredPassed(srv: RedisServer, c: Client): boolean {
  return c.authenticated || srv.config.get('requirepass') === '';
}

/** networking.c clearClientConnectionState (RESET): db 0, RESP2, no name, no MULTI, no WATCH, the default user's authentication. */
export function resetClient(srv: RedisServer, c: Client): void {
  if (c.inMulti) srv.discard(c);
  srv.watchedKeys.unwatchAll(c);
  srv.pubsub.forget(c);
  c.db = 0;
  c.resp = 2;
  c.name = undefined;
  c.authenticated = srv.config.get('requirepass') === '';
}

/** acl.c authCommand: AUTH password (the default user's) or AUTH username password. */
export function authCommand(srv: RedisServer, c: Client, argv: readonly Uint8Array[]): RespValue {
  if (argv.length < 2) return err("ERR wrong number of arguments for 'auth' command");
  if (argv.length > 3) return err('ERR syntax error');
  if (argv.length === 2 && srv.config.get('requirepass') === '') {
    return err('ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?');
  }
  const [user, pass] = argv.length === 2 ? [new TextEncoder().encode('default'), argv[1]] : [argv[1], argv[2]];
  return authenticateUser(srv, c, user ?? new Uint8Array(), pass ?? new Uint8Array()) ? OK : err(WRONGPASS);
}
