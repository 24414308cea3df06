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

/** networking.c helloCommand: HELLO [protover [AUTH username password] [SETNAME clientname]] */
export function helloCommand(c: Client, argv: readonly Uint8Array[]): RespValue {
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
      // Only the default user (nopass) exists: any password is accepted for it, as Redis does.
      if (keyOf(argv[j + 1] ?? new Uint8Array()) !== 'default') return err('WRONGPASS invalid username-password pair or user is disabled.');
      j += 2;
    } else if (opt === 'setname' && left >= 1) {
      setname = argv[j + 1];
      j += 1;
    } else {
      return err(`ERR Syntax error in HELLO option '${keyOf(argv[j] ?? new Uint8Array())}'`);
    }
  }
  if (setname !== undefined) {
    if (!validName(setname)) return err('ERR Client names cannot contain spaces, newlines or special characters.');
    c.name = setname.length === 0 ? undefined : setname;
  }
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

/** networking.c clearClientConnectionState (RESET): db 0, RESP2, no name, no MULTI, no WATCH. */
export function resetClient(srv: RedisServer, c: Client): void {
  if (c.inMulti) srv.discard(c);
  srv.watchedKeys.unwatchAll(c);
  srv.pubsub.forget(c);
  c.db = 0;
  c.resp = 2;
  c.name = undefined;
}

/** acl.c authCommand, for the only user there is: `default`, with nopass (any password). */
export function authCommand(argv: readonly Uint8Array[]): RespValue {
  if (argv.length < 2) return err("ERR wrong number of arguments for 'auth' command");
  if (argv.length > 3) return err('ERR syntax error');
  if (argv.length === 2) return err('ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?');
  if (keyOf(argv[1] ?? new Uint8Array()) !== 'default') return err('WRONGPASS invalid username-password pair or user is disabled.');
  return OK;
}
