import type { FastifyPluginAsync } from 'fastify';
import changeSetRoutes from './changeset-routes.ts';
import editRoutes from './edit-routes.ts';
import exportRoutes from './export-routes.ts';
import importRoutes from './import-routes.ts';
import jurisdictionRoutes from './jurisdictions.ts';
import locateRoutes from './locate-routes.ts';
import readRoutes from './read-routes.ts';

/** The grids feature's routes: jurisdictions, grids (read, validate, publish, edit), locate, imports. */
const gridsRoutes: FastifyPluginAsync = async (app) => {
  await jurisdictionRoutes(app);
  await exportRoutes(app);
  await changeSetRoutes(app);
  await readRoutes(app);
  await editRoutes(app);
  await locateRoutes(app);
  // Its own scope: multipart (core/uploads.ts) for the upload route only.
  await app.register(importRoutes);
};

export default gridsRoutes;
