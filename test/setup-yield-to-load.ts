/**
 * The functional tests' workers run a little below normal priority, so that the one load test, which
 * runs beside them and measures throughput in real time, gets the CPU it needs from the scheduler while
 * they take the rest. (Lowering one's own priority needs no privilege; raising it would.) The functional
 * tests wait on sockets and timers, not on the clock, so they only run a little later under contention.
 */
import { getPriority, setPriority } from 'node:os';

const YIELDING_NICENESS = 19;
if (getPriority() < YIELDING_NICENESS) setPriority(YIELDING_NICENESS);
