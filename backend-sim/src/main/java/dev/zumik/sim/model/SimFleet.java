package dev.zumik.sim.model;

import dev.zumik.sim.profile.SimProfile;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * N simulated replicas, each with its own KV cache and batch ({@link SimEngine}), behind one scheduler
 * that picks the replica of each request, as a BYOC deployment's one owner of replica selection does:
 * <ul>
 *   <li>{@code kv-router} (Dynamo's KV router): the lowest cost = overlap weight (1) × blocks still to
 *       prefill on that replica + its active blocks, the prefix overlap read from the router's own index
 *       of the blocks it sent each replica (bounded by the replica's HBM, least recently used out);</li>
 *   <li>{@code epp} (the Gateway API Inference Extension / llm-d endpoint picker): the highest weighted
 *       score, prefix-cache scorer 3 (matched share of the prompt's blocks), queue scorer 2 (the shortest
 *       queue scores 1, the longest 0) and KV-utilization scorer 2 (1 − share of HBM in use);</li>
 *   <li>{@code round-robin}: in turn, the baseline those projects compare against.</li>
 * </ul>
 * Ties go to the replica after the last one picked, so equal replicas share the load.
 */
public final class SimFleet implements AutoCloseable {

    /** The scheduler in front of the replicas. */
    public enum Scheduler {
        KV_ROUTER("kv-router"), EPP("epp"), ROUND_ROBIN("round-robin");

        private final String word;

        Scheduler(final String word) {
            this.word = word;
        }

        public String word() {
            return word;
        }

        public static Scheduler parse(final String word) {
            return Arrays.stream(values()).filter(s -> s.word.equals(word.toLowerCase(Locale.ROOT))).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("unknown scheduler '" + word + "' (known: kv-router, epp, round-robin)"));
        }

        /** The scheduler a simulator profile's deployment runs: Dynamo's KV router, the endpoint picker in front of vLLM, else round-robin. */
        public static Scheduler of(final SimProfile profile) {
            return switch (profile.name()) {
                case "dynamo" -> KV_ROUTER;
                case "vllm" -> EPP;
                default -> ROUND_ROBIN;
            };
        }
    }

    static final double KV_OVERLAP_WEIGHT = 1.0;
    static final double PREFIX_WEIGHT = 3;
    static final double QUEUE_WEIGHT = 2;
    static final double KV_UTILIZATION_WEIGHT = 2;

    private final SimEngine[] replicas;
    private final Scheduler scheduler;
    private final BlockIndex[] indexes;
    private final AtomicInteger[] inFlight;
    private final AtomicLong[] activeBlocks;
    private final long capacityBlocks;
    private volatile int last = -1;

    public SimFleet(final SimProfile profile, final int replicas, final Scheduler scheduler) {
        if (replicas < 1) {
            throw new IllegalArgumentException("replicas must be >= 1, got " + replicas);
        }
        this.scheduler = scheduler;
        this.replicas = new SimEngine[replicas];
        this.indexes = new BlockIndex[replicas];
        this.inFlight = new AtomicInteger[replicas];
        this.activeBlocks = new AtomicLong[replicas];
        final long hbmTokens = profile.cache().tiers() == null || profile.cache().tiers().isEmpty() ? Long.MAX_VALUE / 2
                : profile.cache().tiers().get(0).capacityTokens();
        this.capacityBlocks = Math.max(1, hbmTokens / profile.blockSize());
        for (int i = 0; i < replicas; i++) {
            this.replicas[i] = new SimEngine(profile);
            this.indexes[i] = new BlockIndex((int) Math.min(Integer.MAX_VALUE - 8, capacityBlocks));
            this.inFlight[i] = new AtomicInteger();
            this.activeBlocks[i] = new AtomicLong();
        }
    }

    public int size() {
        return replicas.length;
    }

    public Scheduler scheduler() {
        return scheduler;
    }

    /** Picks the request's replica and runs it there; returns what cancels it. */
    public Runnable submit(final PromptRequest request, final SimEngine.Handle handle) {
        final long blocks = request.blockHashes().length;
        final int replica;
        synchronized (this) {
            replica = pick(request.blockHashes());
            indexes[replica].add(request.blockHashes());
            last = replica;
        }
        inFlight[replica].incrementAndGet();
        activeBlocks[replica].addAndGet(blocks);
        final AtomicInteger done = new AtomicInteger();
        final Runnable release = () -> {
            if (done.getAndIncrement() == 0) {
                inFlight[replica].decrementAndGet();
                activeBlocks[replica].addAndGet(-blocks);
            }
        };
        final Runnable cancel = replicas[replica].submit(request, new SimEngine.Handle() {
            @Override
            public void planned(final Plan plan) {
                handle.planned(plan);
                if (plan.failed()) {
                    release.run();
                }
            }

            @Override
            public void token(final int index, final long atNanos) {
                handle.token(index, atNanos);
            }

            @Override
            public void finished(final long atNanos) {
                release.run();
                handle.finished(atNanos);
            }
        });
        return () -> {
            release.run();
            cancel.run();
        };
    }

    /** The replica the scheduler picks for a prompt with these block hashes (the caller holds the lock). */
    int pick(final long[] hashes) {
        final int n = replicas.length;
        int best = -1;
        double bestScore = 0;
        final int maxQueue = Arrays.stream(replicas).mapToInt(SimEngine::waiting).max().orElse(0);
        final int minQueue = Arrays.stream(replicas).mapToInt(SimEngine::waiting).min().orElse(0);
        for (int k = 1; k <= n; k++) {
            final int i = Math.floorMod(last + k, n);
            final double score = switch (scheduler) {
                case ROUND_ROBIN -> 0;
                case KV_ROUTER -> -(KV_OVERLAP_WEIGHT * (hashes.length - indexes[i].overlap(hashes)) + activeBlocks[i].get());
                case EPP -> PREFIX_WEIGHT * (hashes.length == 0 ? 0 : (double) indexes[i].overlap(hashes) / hashes.length)
                        + QUEUE_WEIGHT * (maxQueue == minQueue ? 1 : (double) (maxQueue - replicas[i].waiting()) / (maxQueue - minQueue))
                        + KV_UTILIZATION_WEIGHT * (1 - Math.min(1, (double) activeBlocks[i].get() / capacityBlocks));
            };
            if (best < 0 || score > bestScore) {
                best = i;
                bestScore = score;
            }
        }
        return best;
    }

    /** The replica the latest request went to (-1 before any). */
    public int lastReplica() {
        return last;
    }

    public int waiting() {
        return Arrays.stream(replicas).mapToInt(SimEngine::waiting).sum();
    }

    public int running() {
        return Arrays.stream(replicas).mapToInt(SimEngine::running).sum();
    }

    public int decoding() {
        return Arrays.stream(replicas).mapToInt(SimEngine::decoding).sum();
    }

    public String[] tierNames() {
        return replicas[0].tierNames();
    }

    /**
     * Drops these tiers' blocks on every replica (each engine between its requests). Completes with, per
     * replica, the blocks dropped per tier given.
     */
    public CompletableFuture<long[][]> clearTiers(final int... tiers) {
        final List<CompletableFuture<long[]>> each = Arrays.stream(replicas).map(r -> r.clearTiers(tiers)).toList();
        return CompletableFuture.allOf(each.toArray(new CompletableFuture<?>[0]))
                .thenApply(v -> each.stream().map(CompletableFuture::join).toArray(long[][]::new));
    }

    /** Blocks held in one tier, summed over the replicas. */
    public long occupancy(final int tier) {
        long sum = 0;
        for (final SimEngine replica : replicas) {
            final long[] held = replica.occupancy();
            sum += tier < held.length ? held[tier] : 0;
        }
        return sum;
    }

    /** Blocks of the requests in flight on one replica: what Dynamo's router counts as its active blocks. */
    public long activeBlocks(final int replica) {
        return activeBlocks[replica].get();
    }

    /** Requests in flight on one replica. */
    public int inFlight(final int replica) {
        return inFlight[replica].get();
    }

    @Override
    public void close() {
        Arrays.stream(replicas).forEach(SimEngine::close);
    }

    /** The scheduler's view of one replica's cache: the blocks it sent there, least recently used out at the replica's HBM size. */
    static final class BlockIndex {
        private final Map<Long, Boolean> blocks;

        BlockIndex(final int capacity) {
            this.blocks = new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(final Map.Entry<Long, Boolean> eldest) {
                    return size() > capacity;
                }
            };
        }

        /** Leading blocks of the prompt this replica holds (hashes are chained, so the first miss ends the prefix). */
        int overlap(final long[] hashes) {
            int n = 0;
            while (n < hashes.length && blocks.containsKey(hashes[n])) {
                n++;
            }
            return n;
        }

        void add(final long[] hashes) {
            for (final long h : hashes) {
                blocks.put(h, Boolean.TRUE);
            }
        }
    }
}
