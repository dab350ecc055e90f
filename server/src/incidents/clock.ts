/**
 * The incidents feature's clock. Deadlines, lights and step times all read it, so a test can
 * move time (`clock.now = () => new Date('2026-11-23T10:00:00Z')`) and watch lights change
 * without touching a case. Production never replaces it.
 */
export const clock = { now: (): Date => new Date() };
