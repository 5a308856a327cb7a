import { defineTestNetwork } from '../test-network/network';

export { canMakeTestHosts, killEverythingIn, processesIn, setConnected, type TestHost } from '../test-network/network';

/**
 * The replicated database's test hosts (../test-network/network.ts): `pg-1`,
 * `pg-2`, … on 10.231.(17 + instance).11, .12, …, the bridge's own address
 * being where etcd, HAProxy and the backup host listen.
 *
 * Names are fixed per instance (MINITWIT_PGHA_INSTANCE, 0-9, default 0: one
 * cluster per instance at a time; the database scenarios run one after
 * another). Another instance number lets a second cluster run beside the
 * first (a benchmark while a test runs).
 */
const INSTANCE = Number(process.env.MINITWIT_PGHA_INSTANCE ?? '0');
if (!Number.isInteger(INSTANCE) || INSTANCE < 0 || INSTANCE > 9) {
  throw new Error('MINITWIT_PGHA_INSTANCE must be a digit');
}

const network = defineTestNetwork({
  bridge: `mtpg${INSTANCE}br`,
  subnet: `10.231.${17 + INSTANCE}`,
  namespacePrefix: `mtpg${INSTANCE}-`,
  linkPrefix: `mtpg${INSTANCE}n`,
  hostName: (index) => `pg-${index}`,
});

export const BRIDGE = network.bridge;
export const BRIDGE_ADDRESS = network.bridgeAddress;
export const createTestHosts = network.create;
export const removeTestHosts = network.remove;
