import { BigIntType, EntitySchema } from '@mikro-orm/core';

/** A single row (id = 1) holding the simulator's `latest` counter, shared by every API replica. */
export interface SimulatorState {
  id: number;
  latest: number;
}

export const SimulatorStateSchema = new EntitySchema<SimulatorState>({
  name: 'SimulatorState',
  tableName: 'simulator_state',
  properties: {
    id: { type: 'integer', primary: true },
    latest: { type: new BigIntType('number') },
  },
});
