export { noopPublisher, type TimelinePublisher } from './publisher';
export { createPublisher, type PublisherHandle, type PublisherOptions } from './publish/create-publisher';
export { inProcessPublisher } from './publish/local-hub';
export { createRealtimeServer, type RealtimeServer, type RealtimeServerOptions } from './server/create-server';
export * from './contract';
export { toLiveMessage } from './live-message';
export {
  loadRealtimeConfig,
  parseRealtimeConfig,
  realtimeEnvSchema,
  socketCapsFrom,
  type RealtimeConfig,
} from './config';
