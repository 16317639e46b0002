package dev.zumik.sim.model;

import dev.zumik.sim.profile.SimProfile;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One simulated replica on the real clock: a single thread owns the {@link Planner} (and so the KV
 * cache) and the {@link BatchEngine}, and wakes exactly when the engine's next event is due. Requests
 * come in from any thread; their callbacks run on the engine thread, so they must not block.
 */
public final class SimEngine implements AutoCloseable {

    /** One request's side of the conversation, called on the engine thread. */
    public interface Handle {
        /** The plan is made; an injected error means nothing else follows. */
        void planned(Plan plan);

        /** Tokens have started: {@code index} 0 is the first (TTFT). */
        void token(int index, long atNanos);

        void finished(long atNanos);
    }

    private final Planner planner;
    private final BatchEngine engine;
    private final ScheduledExecutorService thread;
    private final AtomicInteger waiting = new AtomicInteger();
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger decoding = new AtomicInteger();
    private ScheduledFuture<?> wake;
    private long wakeAt = Long.MAX_VALUE;

    public SimEngine(final SimProfile profile) {
        this.planner = new Planner(profile);
        this.engine = new BatchEngine(profile.latencyModel(), profile.seed());
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            final Thread t = new Thread(r, "zumik-sim-engine");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Plans the request and runs it through the engine.
     *
     * @return cancels the request (the client went away); safe to call from any thread, any number of times
     */
    public Runnable submit(final PromptRequest request, final Handle handle) {
        final BatchEngine.Job[] job = new BatchEngine.Job[1];
        final boolean[] cancelled = new boolean[1];
        thread.execute(() -> {
            final long now = System.nanoTime();
            final Plan plan = planner.plan(request, System.currentTimeMillis());
            occupancy = planner.occupancy();
            handle.planned(plan);
            if (plan.failed() || cancelled[0]) {
                return;
            }
            final SplittableRandom random = planner.randomFor(plan.sequence()).split();
            job[0] = new BatchEngine.Job(request.promptTokens() - plan.cache().reportedCachedTokens(), plan.cache().hitTokensByTier(),
                    plan.outputTokens(), plan.spikeNanos(), random, new BatchEngine.Listener() {
                        @Override
                        public void onFirstToken(final long atNanos) {
                            handle.token(0, atNanos);
                        }

                        @Override
                        public void onToken(final int index, final long atNanos) {
                            handle.token(index, atNanos);
                        }

                        @Override
                        public void onFinish(final long atNanos) {
                            handle.finished(atNanos);
                        }
                    });
            if (plan.slowFirstByteNanos() > 0) {
                thread.schedule(() -> {
                    if (!cancelled[0]) {
                        engine.submit(job[0], System.nanoTime());
                        afterChange();
                    }
                }, plan.slowFirstByteNanos(), TimeUnit.NANOSECONDS);
            } else {
                engine.submit(job[0], now);
                afterChange();
            }
        });
        return () -> thread.execute(() -> {
            cancelled[0] = true;
            if (job[0] != null && !job[0].done()) {
                engine.cancel(job[0], System.nanoTime());
                afterChange();
            }
        });
    }

    /** Requests waiting for a batch slot. */
    public int waiting() {
        return waiting.get();
    }

    /** Requests holding a batch slot (prefilling or decoding). */
    public int running() {
        return running.get();
    }

    /** Requests decoding: the current batch size. */
    public int decoding() {
        return decoding.get();
    }

    public String[] tierNames() {
        return planner.tierNames();
    }

    /** Blocks held per tier, published after every change, for the occupancy gauges (KV usage, LMCache, Mooncake keys). */
    private volatile long[] occupancy = new long[0];

    public long[] occupancy() {
        return occupancy.clone();
    }

    /**
     * Drops these tiers' blocks on the engine thread, between requests, as a runtime's reset does; what is
     * running keeps running. Completes with the blocks dropped per tier given.
     */
    public CompletableFuture<long[]> clearTiers(final int... tiers) {
        final CompletableFuture<long[]> done = new CompletableFuture<>();
        thread.execute(() -> {
            final long[] dropped = new long[tiers.length];
            for (int i = 0; i < tiers.length; i++) {
                dropped[i] = planner.clearTier(tiers[i]);
            }
            occupancy = planner.occupancy();
            done.complete(dropped);
        });
        return done;
    }

    private void tick() {
        wake = null;
        wakeAt = Long.MAX_VALUE;
        engine.advance(System.nanoTime());
        afterChange();
    }

    /** Publishes the gauges and makes sure the thread wakes for the next event. */
    private void afterChange() {
        waiting.set(engine.waiting());
        running.set(engine.running());
        decoding.set(engine.decoding());
        final long next = engine.nextEventNanos();
        if (next == Long.MAX_VALUE || next >= wakeAt) {
            return;
        }
        if (wake != null) {
            wake.cancel(false);
        }
        wakeAt = next;
        wake = thread.schedule(this::tick, Math.max(0, next - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
