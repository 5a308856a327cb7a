export { noopPublisher, type TimelinePublisher } from './publisher';
