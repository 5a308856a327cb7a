/**
 * The seed every fast-check fuzz test runs with: fixed, so CI runs the same
 * cases every time and a failure reproduces; FUZZ_SEED=<n> explores others.
 * fast-check prints the seed and the shrunk case of a failure.
 */
export const FUZZ_SEED: number = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : 20261129;
