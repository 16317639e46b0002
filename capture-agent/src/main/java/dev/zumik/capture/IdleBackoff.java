package dev.zumik.capture;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * How a consumer thread waits for work that nobody signals: it sleeps briefly, then longer while nothing comes
 * (0.5 ms doubling to 20 ms), and starts over when it finds some. A producer on the traffic's path then only
 * enqueues: waking a parked thread for every request cost both sides system calls, about 15% of the proxy's CPU.
 * Shapes are never urgent, so being picked up up to 20 ms late costs nothing.
 */
public final class IdleBackoff {
    private static final long SHORTEST = TimeUnit.MICROSECONDS.toNanos(500);
    private static final long LONGEST = TimeUnit.MILLISECONDS.toNanos(20);

    private long next = SHORTEST;

    /** Found work: the next wait is short again. */
    public void worked() {
        next = SHORTEST;
    }

    /** Found none: sleeps, and the next wait is longer. */
    public void idle() {
        LockSupport.parkNanos(next);
        next = Math.min(LONGEST, next * 2);
    }
}
