import { createLogger } from '@minitwit/monitoring';
import { config } from './config';

export const logger = createLogger({ service: 'web', level: config.LOG_LEVEL });
