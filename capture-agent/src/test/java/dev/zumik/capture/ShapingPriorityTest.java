package dev.zumik.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ShapingPriorityTest {
    private static final int SCHED_OTHER = 0;
    private static final int SCHED_IDLE = 5;

    @Test
    void shouldPutTheCallingThreadInSchedIdleAndCountIt() throws Exception {
        // given a meter registry and a thread of its own
        final SimpleMeterRegistry meters = new SimpleMeterRegistry();

        // when the thread applies the idle priority
        final int policy = policyAfter(ShapingPriority.IDLE, meters);

        // then Linux schedules it as SCHED_IDLE, and the agent's metric counts it
        assertThat(policy).isEqualTo(SCHED_IDLE);
        assertThat(meters.counter("zumik_capture_background_threads_idle").count()).isEqualTo(1.0);
    }

    @Test
    void shouldLeaveTheThreadAloneAtNormalPriority() throws Exception {
        // given a meter registry and a thread of its own
        final SimpleMeterRegistry meters = new SimpleMeterRegistry();

        // when the thread applies the normal priority
        final int policy = policyAfter(ShapingPriority.NORMAL, meters);

        // then it keeps the default policy and nothing is counted
        assertThat(policy).isEqualTo(SCHED_OTHER);
        assertThat(meters.counter("zumik_capture_background_threads_idle").count()).isZero();
    }

    @Test
    void shouldScheduleTheThreadsThatAMadeObjectStartsAtIdlePriority() {
        // given a maker that starts a thread of its own, as a Kafka client starts its network thread
        final SimpleMeterRegistry meters = new SimpleMeterRegistry();

        // when it is called through the idle priority
        final int policy = ShapingPriority.IDLE.make(() -> {
            try {
                return policyAfter(ShapingPriority.NORMAL, meters);
            } catch (final InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }, meters);

        // then the thread it started inherited SCHED_IDLE
        assertThat(policy).isEqualTo(SCHED_IDLE);
    }

    @Test
    void shouldHandBackWhatTheMakerThrew() {
        // given a maker that fails, as a Kafka client with a bad setting does
        final SimpleMeterRegistry meters = new SimpleMeterRegistry();

        // when it is called through the idle priority, then its exception reaches the caller
        assertThatThrownBy(() -> ShapingPriority.IDLE.make(() -> {
            throw new IllegalArgumentException("bad bootstrap.servers");
        }, meters)).isInstanceOf(IllegalArgumentException.class).hasMessage("bad bootstrap.servers");
    }

    /** Runs {@code priority} on a new thread and returns that thread's policy as /proc says it, read by itself. */
    private static int policyAfter(final ShapingPriority priority, final SimpleMeterRegistry meters) throws InterruptedException {
        final AtomicInteger policy = new AtomicInteger(-1);
        final Thread thread = new Thread(() -> {
            priority.applyToCurrentThread(meters);
            policy.set(ShapingPriority.currentThreadId().map(ShapingPriority::policyOf).orElse(-2));
        });
        thread.start();
        thread.join();
        return policy.get();
    }
}
