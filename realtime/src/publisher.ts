// The port is the commands' (db/src/commands/publisher-port.ts); realtime implements it.
export { noopPublisher, type TimelinePublisher } from '@minitwit/db';
