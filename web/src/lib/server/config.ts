import { env } from '$env/dynamic/private';
import { parseWebConfig } from './config-schema';

/** The only reader of the environment in the web app. */
export const config = parseWebConfig(env);
