import type { FastifyPluginAsync } from 'fastify';
import authRoutes, { userRoutes } from './auth/routes.ts';
import healthRoutes from './health/routes.ts';

/**
 * Every feature's routes, registered in this order after the core plugins. A feature adds
 * one line here; it never reaches into another feature's files.
 */
export const features: FastifyPluginAsync[] = [
  healthRoutes,
  authRoutes,
  userRoutes,
];
