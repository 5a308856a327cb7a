import { EntitySchema } from '@mikro-orm/core';

/** `who` follows `whom`; the composite key makes a second follow a no-op. */
export interface Follower {
  whoId: number;
  whomId: number;
}

export const FollowerSchema = new EntitySchema<Follower>({
  name: 'Follower',
  tableName: 'followers',
  properties: {
    whoId: { type: 'integer', primary: true, fieldName: 'who_id' },
    whomId: { type: 'integer', primary: true, fieldName: 'whom_id' },
  },
});
