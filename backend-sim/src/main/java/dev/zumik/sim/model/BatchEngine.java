package dev.zumik.sim.model;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * A discrete-event model of one replica doing continuous batching, in explicit time so that tests
 * can run it on a virtual clock and the server on the real one. A job waits for a batch slot (at
 * most {@code maxBatch} jobs prefill or decode at once), then for a prefill lane; its first token
 * comes at the end of its prefill plus the fixed overhead. Decoding jobs advance together: each step
 * gives every job that was decoding when the step began one token; jobs that finish prefill mid-step
 * join the next one (iteration-level scheduling). A finished or cancelled job frees its slot at once.
 *
 * <p>Not thread-safe: one thread calls {@link #submit}, {@link #cancel} and {@link #advance}, with
 * non-decreasing times.
 */
public final class BatchEngine {

    /** Receives one job's progress; called on the engine's thread at model time {@code atNanos}. */
    public interface Listener {
        void onFirstToken(long atNanos);

        void onToken(int index, long atNanos);

        void onFinish(long atNanos);
    }

    /** One request as the engine sees it. */
    public static final class Job {
        private final long uncachedTokens;
        private final long[] hitTokensByTier;
        private final int outputTokens;
        private final long extraFirstTokenNanos;
        private final SplittableRandom random;
        private final Listener listener;
        private long firstTokenAt;
        private int emitted;
        private boolean done;

        /**
         * @param extraFirstTokenNanos added to the first token only (an injected latency spike)
         * @param random               this job's seeded jitter source
         */
        public Job(final long uncachedTokens, final long[] hitTokensByTier, final int outputTokens, final long extraFirstTokenNanos,
                   final SplittableRandom random, final Listener listener) {
            this.uncachedTokens = uncachedTokens;
            this.hitTokensByTier = hitTokensByTier.clone();
            this.outputTokens = outputTokens;
            this.extraFirstTokenNanos = extraFirstTokenNanos;
            this.random = random;
            this.listener = listener;
        }

        public boolean done() {
            return done;
        }
    }

    private final LatencyModel model;
    private final SplittableRandom stepRandom;
    private final ArrayDeque<Job> waiting = new ArrayDeque<>();
    private final PriorityQueue<Job> prefilling = new PriorityQueue<>(Comparator.comparingLong(j -> j.firstTokenAt));
    private final PriorityQueue<Long> busyLanesFreeAt = new PriorityQueue<>();
    private final LinkedHashSet<Job> decoding = new LinkedHashSet<>();
    private List<Job> step = List.of();
    private long stepEndsAt = Long.MAX_VALUE;
    private int running;

    public BatchEngine(final LatencyModel model, final long seed) {
        this.model = model;
        this.stepRandom = new SplittableRandom(seed);
    }

    /** Queues a job arriving at {@code nowNanos}; it starts prefill as soon as a slot is free. */
    public void submit(final Job job, final long nowNanos) {
        advance(nowNanos);
        waiting.add(job);
        admit(nowNanos);
    }

    /** Drops a job whose client went away, freeing its slot. */
    public void cancel(final Job job, final long nowNanos) {
        advance(nowNanos);
        if (job.done) {
            return;
        }
        job.done = true;
        if (waiting.remove(job)) {
            return;
        }
        prefilling.remove(job);
        decoding.remove(job);
        running--;
        admit(nowNanos);
    }

    /** When the next event is due, or {@link Long#MAX_VALUE} when idle. */
    public long nextEventNanos() {
        final Job head = prefilling.peek();
        return Math.min(head == null ? Long.MAX_VALUE : head.firstTokenAt, stepEndsAt);
    }

    /** Processes, in model-time order, every event due at or before {@code nowNanos}. */
    public void advance(final long nowNanos) {
        while (true) {
            final long next = nextEventNanos();
            if (next > nowNanos) {
                return;
            }
            final Job head = prefilling.peek();
            if (head != null && head.firstTokenAt <= stepEndsAt) {
                prefilling.poll();
                firstToken(head);
            } else {
                endStep();
            }
        }
    }

    public int waiting() {
        return waiting.size();
    }

    public int running() {
        return running;
    }

    public int decoding() {
        return decoding.size();
    }

    private void firstToken(final Job job) {
        final long at = job.firstTokenAt;
        if (job.outputTokens == 0) {
            finish(job, at);
            return;
        }
        job.emitted = 1;
        job.listener.onFirstToken(at);
        if (job.outputTokens == 1) {
            finish(job, at);
            return;
        }
        decoding.add(job);
        if (step.isEmpty()) {
            startStep(at);
        }
    }

    private void endStep() {
        final long at = stepEndsAt;
        final List<Job> members = step;
        step = List.of();
        stepEndsAt = Long.MAX_VALUE;
        for (final Job job : members) {
            if (job.done) {
                continue;
            }
            job.listener.onToken(job.emitted++, at);
            if (job.emitted >= job.outputTokens) {
                decoding.remove(job);
                finish(job, at);
            }
        }
        if (!decoding.isEmpty()) {
            startStep(at);
        }
    }

    private void startStep(final long at) {
        step = new ArrayList<>(decoding);
        stepEndsAt = at + model.stepNanos(step.size(), stepRandom.nextDouble());
    }

    private void finish(final Job job, final long at) {
        job.done = true;
        running--;
        job.listener.onFinish(at);
        admit(at);
    }

    private void admit(final long at) {
        while (running < model.maxBatch() && !waiting.isEmpty()) {
            final Job job = waiting.poll();
            running++;
            final long work = model.prefillWorkNanos(job.uncachedTokens, job.hitTokensByTier, job.random.nextDouble());
            while (!busyLanesFreeAt.isEmpty() && busyLanesFreeAt.peek() <= at) {
                busyLanesFreeAt.poll();
            }
            final long laneFree = busyLanesFreeAt.size() < model.prefillLanes() ? at : busyLanesFreeAt.poll();
            final long prefillEnd = laneFree + work;
            busyLanesFreeAt.add(prefillEnd);
            job.firstTokenAt = prefillEnd + model.overheadNanos(job.random.nextDouble()) + job.extraFirstTokenNanos;
            prefilling.add(job);
        }
    }
}
