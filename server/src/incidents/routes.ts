import type { FastifyPluginAsync } from 'fastify';
import assessmentRoutes from './assessment-routes.ts';
import catalogRoutes from './catalog-routes.ts';
import eventRoutes from './events-routes.ts';
import importRoutes from './import-routes.ts';
import incidentRoutes from './incident-routes.ts';
import open311Routes from './open311.ts';
import photoRoutes from './photos.ts';
import settingsRoutes from './settings-routes.ts';

/** The incidents feature's routes: catalogue, the closed loop, photos, live events, assessment, Open311. */
const incidentsRoutes: FastifyPluginAsync = async (app) => {
  await app.register(catalogRoutes);
  await app.register(incidentRoutes);
  await app.register(photoRoutes);
  await app.register(eventRoutes);
  await app.register(assessmentRoutes);
  await app.register(open311Routes);
  await app.register(settingsRoutes);
  await app.register(importRoutes);
};

export default incidentsRoutes;
