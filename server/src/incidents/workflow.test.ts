import { describe, expect, it } from 'vitest';
import { ACTIONS, allowedActions, checkAction, STATUSES, type Action, type Status } from './workflow.ts';

// Every legal (status, action) → next status; anything not listed must be refused.
const LEGAL: [Status, Action, Status | null][] = [
  ['reported', 'register', 'registered'],
  ['reported', 'reject', 'rejected'],
  ['reported', 'escalate', null],
  ['registered', 'dispatch', 'dispatched'],
  ['registered', 'park', 'parked'],
  ['registered', 'escalate', null],
  ['registered', 'extend', null],
  ['dispatched', 'dispatch', 'dispatched'],
  ['dispatched', 'handle', 'handled'],
  ['dispatched', 'park', 'parked'],
  ['dispatched', 'escalate', null],
  ['dispatched', 'extend', null],
  ['handled', 'close', 'closed'],
  ['handled', 'rework', 'dispatched'],
  ['handled', 'extend', null],
  ['closed', 'evaluate', 'evaluated'],
  ['closed', 'reopen', 'dispatched'],
  ['evaluated', 'reopen', 'dispatched'],
  ['parked', 'unpark', null],
];

describe('the closed loop', () => {
  it('allows exactly the listed transitions (for an admin)', () => {
    for (const status of STATUSES) {
      for (const action of ACTIONS) {
        const legal = LEGAL.find(([s, a]) => s === status && a === action);
        const check = checkAction(status, action, ['admin']);
        if (legal) expect(check, `${status} ${action}`).toEqual({ ok: true, to: legal[2] });
        else expect(check.ok, `${status} ${action} must be refused`).toBe(false);
      }
    }
  });

  it('says which actions are allowed instead', () => {
    const check = checkAction('reported', 'close', ['dispatcher']);
    expect(check).toEqual({ ok: false, reason: 'illegal', allowed: ['register', 'reject', 'escalate'] });
    expect(allowedActions('rejected', ['admin'])).toEqual([]);
  });

  it('checks roles per action', () => {
    expect(checkAction('dispatched', 'handle', ['officer']).ok).toBe(true);
    expect(checkAction('handled', 'close', ['officer'])).toMatchObject({ ok: false, reason: 'forbidden', required: ['dispatcher'] });
    expect(checkAction('reported', 'register', ['viewer'])).toMatchObject({ ok: false, reason: 'forbidden' });
    expect(allowedActions('dispatched', ['officer'])).toEqual(['handle', 'escalate']);
    expect(allowedActions('dispatched', ['viewer'])).toEqual([]);
  });
});
