import { lazy, type ComponentType, type LazyExoticComponent } from 'react';
import type { Session } from '../api/client.ts';
import type { MessageKey } from '../i18n/index.ts';

/** Props every full-page view gets from the app shell. */
export interface ViewProps {
  session: Session | null;
  /** Ask the shell to open the sign-in dialog. */
  requestSignIn(): void;
}

export interface ViewRoute {
  path: string;
  /** Label in the top bar (an i18n key). */
  label: MessageKey;
  /** Roles that see the view in the top bar (any of them; admin sees all). Empty: everyone. */
  roles: string[];
  /** Each view is its own chunk, loaded when opened. */
  component: LazyExoticComponent<ComponentType<ViewProps>>;
}

/**
 * The views besides the panorama (at `/`) and the wall (`/wall`, full screen, no shell).
 * One line per view; keep the order of the top bar.
 */
export const VIEW_ROUTES: ViewRoute[] = [
  { path: '/incidents', label: 'navIncidents', roles: ['officer', 'dispatcher', 'analyst'], component: lazy(() => import('./incidents/Incidents.tsx')) },
  { path: '/analyst', label: 'navAnalyst', roles: ['analyst', 'planner', 'dispatcher', 'viewer'], component: lazy(() => import('./analyst/Analyst.tsx')) },
  { path: '/grids', label: 'navGrids', roles: ['planner', 'admin', 'analyst'], component: lazy(() => import('./grids/Grids.tsx')) },
  { path: '/planner', label: 'navPlanner', roles: ['planner'], component: lazy(() => import('./planner/Planner.tsx')) },
];
