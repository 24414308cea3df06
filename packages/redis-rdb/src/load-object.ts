/**
 * rdb.c `rdbLoadObject`: the value for one object type, dispatched on the rdb.h RDB_TYPE_*
 * constants to the loader for its kind (strings, lists, sets, sorted sets, hashes), and the
 * encoding Redis 7.0 keeps after loading it (in `reader.enc`). Streams and modules are refused.
 */
import { RdbFormatError } from './errors.js';
import {
  RDB_TYPE_HASH, RDB_TYPE_HASH_LISTPACK, RDB_TYPE_HASH_ZIPLIST, RDB_TYPE_HASH_ZIPMAP, RDB_TYPE_LIST,
  RDB_TYPE_LIST_QUICKLIST, RDB_TYPE_LIST_QUICKLIST_2, RDB_TYPE_LIST_ZIPLIST, RDB_TYPE_MODULE, RDB_TYPE_MODULE_2,
  RDB_TYPE_SET, RDB_TYPE_SET_INTSET, RDB_TYPE_STREAM_LISTPACKS, RDB_TYPE_STREAM_LISTPACKS_2, RDB_TYPE_STRING,
  RDB_TYPE_ZSET, RDB_TYPE_ZSET_2, RDB_TYPE_ZSET_LISTPACK, RDB_TYPE_ZSET_ZIPLIST,
} from './constants.js';
import { loadString } from './load-string.js';
import { loadLinkedList, loadQuicklist, loadQuicklist2, loadZiplistList } from './load-list.js';
import { loadIntset, loadSet } from './load-set.js';
import { loadListpackZset, loadZiplistZset, loadZset } from './load-zset.js';
import { loadHash, loadListpackHash, loadZiplistHash, loadZipmapHash } from './load-hash.js';
import type { Loaded } from './load-shared.js';
import type { RdbReader } from './reader.js';

/**
 * Read the value of an object of `type` (its type byte and key already read; `at` = where the
 * value starts). Returns the value, undefined when it was left in the input for the entry to
 * expand on first read (strings, intsets, listpacks, single-node quicklists stored raw), or
 * EMPTY_KEY when Redis 7.0 would skip the key.
 */
export function rdbLoadObject(r: RdbReader, type: number, typeName: string, at: number): Loaded {
  switch (type) {
    case RDB_TYPE_STRING:
      return loadString(r);
    case RDB_TYPE_LIST:
      return loadLinkedList(r);
    case RDB_TYPE_LIST_ZIPLIST:
      return loadZiplistList(r, at);
    case RDB_TYPE_LIST_QUICKLIST:
      return loadQuicklist(r);
    case RDB_TYPE_LIST_QUICKLIST_2:
      return loadQuicklist2(r);
    case RDB_TYPE_SET:
      return loadSet(r);
    case RDB_TYPE_SET_INTSET:
      return loadIntset(r, at);
    case RDB_TYPE_ZSET:
    case RDB_TYPE_ZSET_2:
      return loadZset(r, type);
    case RDB_TYPE_ZSET_ZIPLIST:
      return loadZiplistZset(r, at);
    case RDB_TYPE_ZSET_LISTPACK:
      return loadListpackZset(r, at);
    case RDB_TYPE_HASH:
      return loadHash(r);
    case RDB_TYPE_HASH_ZIPMAP:
      return loadZipmapHash(r, at);
    case RDB_TYPE_HASH_ZIPLIST:
      return loadZiplistHash(r, at);
    case RDB_TYPE_HASH_LISTPACK:
      return loadListpackHash(r, at);
    case RDB_TYPE_MODULE:
    case RDB_TYPE_MODULE_2:
    case RDB_TYPE_STREAM_LISTPACKS:
    case RDB_TYPE_STREAM_LISTPACKS_2:
    default:
      throw new RdbFormatError('UNSUPPORTED_TYPE', at - 1, `object type ${type} (RDB_TYPE_${typeName}) is not supported by this package (streams and modules are out of scope)`);
  }
}
