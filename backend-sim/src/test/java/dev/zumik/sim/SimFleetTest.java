package dev.zumik.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zumik.sim.model.Plan;
import dev.zumik.sim.model.PromptRequest;
import dev.zumik.sim.model.SimEngine;
import dev.zumik.sim.model.SimFleet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Which replica each scheduler of a simulated fleet picks, one request at a time, read back from the replicas' in-flight counts. */
class SimFleetTest {

    private static PromptRequest prompt(final long family, final int blocks) {
        final long[] hashes = new long[blocks];
        for (int b = 0; b < blocks; b++) {
            hashes[b] = family * 1_000_000L + b;
        }
        return new PromptRequest(hashes, blocks * 16L, true, 2, 0, true, null);
    }

    /** The replica each request went to, in order; each request finishes before the next is sent, so only the caches differ. */
    private static List<Integer> placements(final SimFleet fleet, final List<PromptRequest> requests) throws InterruptedException {
        final List<Integer> out = new ArrayList<>();
        for (final PromptRequest r : requests) {
            final CountDownLatch done = new CountDownLatch(1);
            fleet.submit(r, new SimEngine.Handle() {
                @Override
                public void planned(final Plan plan) { }

                @Override
                public void token(final int index, final long atNanos) { }

                @Override
                public void finished(final long atNanos) {
                    done.countDown();
                }
            });
            out.add(fleet.lastReplica());
            assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        }
        return out;
    }

    @Test
    void shouldKeepAFamilyOnTheReplicaThatHoldsItBehindTheKvRouterAndSpreadItInTurnBehindRoundRobin() throws Exception {
        // given two prefix families, three requests each, in turn
        final List<PromptRequest> requests = List.of(prompt(1, 64), prompt(2, 64), prompt(1, 64), prompt(2, 64), prompt(1, 64), prompt(2, 64));
        try (SimFleet router = new SimFleet(TestProfiles.fast("dynamo"), 3, SimFleet.Scheduler.KV_ROUTER);
             SimFleet epp = new SimFleet(TestProfiles.fast("dynamo"), 3, SimFleet.Scheduler.EPP);
             SimFleet turns = new SimFleet(TestProfiles.fast("dynamo"), 3, SimFleet.Scheduler.ROUND_ROBIN)) {
            // when
            final List<Integer> byRouter = placements(router, requests);
            final List<Integer> byEpp = placements(epp, requests);
            final List<Integer> byTurn = placements(turns, requests);
            // then the prefix-aware schedulers send each family back where its blocks are; round-robin takes turns
            assertThat(byRouter.get(2)).isEqualTo(byRouter.get(0));
            assertThat(byRouter.get(4)).isEqualTo(byRouter.get(0));
            assertThat(byRouter.get(3)).isEqualTo(byRouter.get(1)).isNotEqualTo(byRouter.get(0));
            assertThat(byEpp.get(2)).isEqualTo(byEpp.get(0));
            assertThat(byEpp.get(3)).isEqualTo(byEpp.get(1));
            assertThat(byTurn).containsExactly(0, 1, 2, 0, 1, 2);
        }
    }

    @Test
    void shouldRefuseAnUnknownSchedulerAndAnEmptyFleet() {
        assertThatThrownBy(() -> SimFleet.Scheduler.parse("random")).hasMessage("unknown scheduler 'random' (known: kv-router, epp, round-robin)");
        assertThatThrownBy(() -> new SimFleet(TestProfiles.fast("dynamo"), 0, SimFleet.Scheduler.EPP)).hasMessage("replicas must be >= 1, got 0");
        assertThat(SimFleet.Scheduler.of(TestProfiles.fast("dynamo"))).isEqualTo(SimFleet.Scheduler.KV_ROUTER);
    }
}
