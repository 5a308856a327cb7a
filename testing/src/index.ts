export { FUZZ_SEED } from './fuzz-seed';
export { type OwnRedis, startOwnRedis } from './own-redis';
export { type RawAnswer, type RawRequest, STACK_TRACE, percentEncode, rawExchange, serialise } from './raw-http';
export { skipWithoutRedis, testRedisUrl, uniqueChannel } from './redis-env';
