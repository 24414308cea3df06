/** The version this server answers as (HELLO, INFO): the redis-server its replies are checked against. */
export const REDIS_VERSION = '7.0.15';
