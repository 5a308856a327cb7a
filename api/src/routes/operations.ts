import { Router } from 'express';
import swaggerUi from 'swagger-ui-express';
import { openApiDocument } from '../openapi/document';

/**
 * The API's own documentation, public and without simulator auth. Health and
 * metrics are not here: they listen on the internal port only
 * (api/src/internal.ts), which the proxy never routes.
 */
export function operationsRoutes(): Router {
  const router = Router({ caseSensitive: true, strict: true });
  router.get('/openapi.json', (_req, res) => {
    res.json(openApiDocument);
  });
  router.use('/docs', swaggerUi.serve, swaggerUi.setup(openApiDocument, { customSiteTitle: 'MiniTwit simulator API' }));
  return router;
}
