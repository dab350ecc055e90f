import type { FastifyPluginAsync } from 'fastify';
import authRoutes, { userRoutes } from './auth/routes.ts';
import gridsRoutes from './grids/routes.ts';
import healthRoutes from './health/routes.ts';
import hotspotsRoutes from './hotspots/routes.ts';
import incidentsRoutes from './incidents/routes.ts';
import partitionRoutes from './partition/routes.ts';
import tilesRoutes from './tiles/routes.ts';
import wallRoutes from './wall/routes.ts';

/**
 * Every feature's routes, registered in this order after the core plugins. A feature adds
 * one line here; it never reaches into another feature's files.
 */
export const features: FastifyPluginAsync[] = [
  healthRoutes,
  authRoutes,
  userRoutes,
  gridsRoutes,
  incidentsRoutes,
  partitionRoutes,
  hotspotsRoutes,
  tilesRoutes,
  wallRoutes,
];
