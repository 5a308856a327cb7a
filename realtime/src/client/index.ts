/** The browser's entry: no Node modules below this point. */
export { createLiveTimeline, type LiveStatus, type LiveTimeline, type LiveTimelineOptions } from './live-timeline';
export { mergeMessages, newestFirst, newestIdOf, removeMessages } from './merge';
export type { FollowChanged, LiveMessage, LiveScope } from '../contract';
