package dev.zumik.localstack;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Event times for tests and benchmarks that go through a broker. A fixed date ages past the shape
 * topic's 7-day retention and the broker deletes the records under the test, so times are relative
 * to today.
 */
public final class RecentTime {
    private RecentTime() { }

    /**
     * Midnight UTC a day ago: inside every topic's retention, far enough in the past that an hour of
     * trace after it is not in the future (brokers reject timestamps too far ahead), and aligned to
     * any window of whole minutes or hours.
     */
    public static Instant yesterdayMidnight() {
        return Instant.now().truncatedTo(ChronoUnit.DAYS).minus(Duration.ofDays(1));
    }
}
