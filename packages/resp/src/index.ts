export * from './types.js';
export * from './errors.js';
export * from './encode.js';
export * from './decode.js';
export * from './request.js';
export { parseDouble } from './number.js';
export { formatValue, showWire } from './format.js';
export * from './adapters/client.js';
export { RespBareDecoder, RespReplyError, toBare, type BareFeedResult, type RespBareDecoderOptions, type RespBareReply } from './decode-bare.js';
