import { FollowerSchema } from './follower';
import { MessageSchema } from './message';
import { SessionSchema } from './session';
import { SimulatorStateSchema } from './simulator-state';
import { UserSchema } from './user';

export type { Follower } from './follower';
export type { Message } from './message';
export type { Session } from './session';
export type { SimulatorState } from './simulator-state';
export type { User } from './user';
export { FollowerSchema, MessageSchema, SessionSchema, SimulatorStateSchema, UserSchema };

export const entities = [UserSchema, MessageSchema, FollowerSchema, SimulatorStateSchema, SessionSchema];
