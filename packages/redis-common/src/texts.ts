/**
 * Error texts Redis 7.0 sends, written once. Each names where the server writes it; the leading
 * `-` of the wire form is not part of the text.
 */

/** server.c createSharedObjects: shared.syntaxerr. */
export const SYNTAX_ERR = 'ERR syntax error';
/** server.c createSharedObjects: shared.wrongtypeerr. */
export const WRONGTYPE_ERR = 'WRONGTYPE Operation against a key holding the wrong kind of value';
/** object.c getLongLongFromObjectOrReply, when string2ll refuses the argument. */
export const NOT_INTEGER_ERR = 'ERR value is not an integer or out of range';
/** object.c getDoubleFromObjectOrReply, when strtod refuses the argument. */
export const NOT_FLOAT_ERR = 'ERR value is not a valid float';

/** server.c processCommand: the arity check (`fullname` is `cluster|keyslot` for a subcommand). */
export function arityErrorText(fullname: string): string {
  return `ERR wrong number of arguments for '${fullname}' command`;
}
