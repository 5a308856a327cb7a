import { z } from 'zod';

/**
 * The bodies the simulator API answers with. The presenters are typed by
 * them and the OpenAPI document is generated from them
 * (api/src/openapi/document.ts), which the contract tests hold every answer to.
 */

export const errorBody = z
  .strictObject({ status: z.int(), error_msg: z.string() })
  .meta({ id: 'Error', description: 'Every refusal: the HTTP status again and a readable reason' });

export const latestBody = z.strictObject({ latest: z.int() }).meta({ id: 'Latest' });

export const simulatorMessage = z
  .strictObject({
    content: z.string(),
    pub_date: z.int().meta({ description: 'Unix seconds' }),
    user: z.string(),
  })
  .meta({ id: 'Message' });

export const messagesBody = z.array(simulatorMessage).meta({ id: 'Messages' });

export const followsBody = z.strictObject({ follows: z.array(z.string()) }).meta({ id: 'Follows' });

export type ErrorBody = z.infer<typeof errorBody>;
export type SimulatorMessage = z.infer<typeof simulatorMessage>;
export type FollowsBody = z.infer<typeof followsBody>;
export type LatestBody = z.infer<typeof latestBody>;
