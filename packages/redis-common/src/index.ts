export { joinDigits, string2ll, string2llNumber, type IntegerText } from './string2ll.js';
export { formatDouble17g, formatFixed } from './double.js';
export { concatBytes } from './bytes.js';
export { SYNTAX_ERR, WRONGTYPE_ERR, NOT_INTEGER_ERR, NOT_FLOAT_ERR, arityErrorText } from './texts.js';
export { sha1, toHex } from './sha1.js';
