import type { Role } from '../core/auth.ts';

/**
 * The closed loop as a table: which action moves a case from which status to which, and who
 * may take it. Pure data + two functions, so every transition (and every forbidden one) is
 * tested without a database.
 */
export const STATUSES = ['reported', 'registered', 'rejected', 'dispatched', 'handled', 'closed', 'evaluated', 'parked'] as const;
export type Status = (typeof STATUSES)[number];

export const ACTIONS = ['register', 'reject', 'dispatch', 'handle', 'close', 'rework', 'evaluate', 'reopen', 'park', 'unpark', 'escalate', 'extend'] as const;
export type Action = (typeof ACTIONS)[number];

export const OPEN_STATUSES: Status[] = ['reported', 'registered', 'dispatched', 'handled'];

interface Rule {
  from: Status[];
  /** null: the status stays or is decided by the action (unpark → where it was parked from). */
  to: Status | null;
  roles: Role[];
  /** What the action needs in its body besides `action`. */
  needs?: ('note' | 'department' | 'satisfaction' | 'approver' | 'limit')[];
}

export const RULES: Record<Action, Rule> = {
  // 立案建档: the dispatch centre accepts the report as a case (may correct category/class).
  register: { from: ['reported'], to: 'registered', roles: ['dispatcher'] },
  // Not a case (duplicate, out of scope): a reason is required.
  reject: { from: ['reported'], to: 'rejected', roles: ['dispatcher'], needs: ['note'] },
  // 事件派遣 to the responsible department; re-dispatch while dispatched moves it elsewhere.
  dispatch: { from: ['registered', 'dispatched'], to: 'dispatched', roles: ['dispatcher'], needs: ['department'] },
  // 处置反馈 by the department or the grid officer.
  handle: { from: ['dispatched'], to: 'handled', roles: ['officer', 'dispatcher'] },
  // 核查结案: verification passed.
  close: { from: ['handled'], to: 'closed', roles: ['dispatcher'] },
  // 返工: verification failed, back to the department.
  rework: { from: ['handled'], to: 'dispatched', roles: ['dispatcher'], needs: ['note'] },
  // 综合评价 from the call-back (回访).
  evaluate: { from: ['closed'], to: 'evaluated', roles: ['dispatcher'], needs: ['satisfaction'] },
  // The call-back found it not fixed: back to the department that had it.
  reopen: { from: ['closed', 'evaluated'], to: 'dispatched', roles: ['dispatcher'], needs: ['note'] },
  // 挂账: cannot be fixed now; leaves the on-time figures, with a reason and an approver.
  park: { from: ['registered', 'dispatched'], to: 'parked', roles: ['dispatcher'], needs: ['note', 'approver'] },
  unpark: { from: ['parked'], to: null, roles: ['dispatcher'] },
  // 小事不出村,大事不出镇: the current tier cannot handle it, the next tier up takes it.
  escalate: { from: ['reported', 'registered', 'dispatched'], to: null, roles: ['dispatcher', 'officer'], needs: ['note'] },
  // 延期: a new close-by deadline, with a reason; counted as extended in the assessment.
  extend: { from: ['registered', 'dispatched', 'handled'], to: null, roles: ['dispatcher'], needs: ['note', 'limit'] },
};

const hasAnyRole = (roles: readonly Role[], need: readonly Role[]) => roles.includes('admin') || need.some((r) => roles.includes(r));

/** The actions a user with these roles may take on a case in this status now. */
export function allowedActions(status: Status, roles: readonly Role[]): Action[] {
  return ACTIONS.filter((a) => RULES[a].from.includes(status) && hasAnyRole(roles, RULES[a].roles));
}

export type Check =
  | { ok: true; to: Status | null }
  | { ok: false; reason: 'illegal' | 'forbidden'; allowed: Action[]; required?: Role[] };

/** Whether `action` is legal from `status` and the user may take it. */
export function checkAction(status: Status, action: Action, roles: readonly Role[]): Check {
  const rule = RULES[action];
  if (!rule.from.includes(status)) return { ok: false, reason: 'illegal', allowed: allowedActions(status, roles) };
  if (!hasAnyRole(roles, rule.roles)) return { ok: false, reason: 'forbidden', allowed: allowedActions(status, roles), required: rule.roles };
  return { ok: true, to: rule.to };
}
