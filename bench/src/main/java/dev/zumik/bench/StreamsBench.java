package dev.zumik.bench;

import com.sun.management.OperatingSystemMXBean;
import dev.zumik.core.cache.InfiniteCache;
import dev.zumik.core.cache.TieredLruCache;
import dev.zumik.core.cache.TtlCache;
import dev.zumik.core.reuse.CachePolicy;
import dev.zumik.core.reuse.ReuseSimulator;
import dev.zumik.localstack.ConsumerGroups;
import dev.zumik.localstack.LocalStack;
import dev.zumik.localstack.RecentTime;
import dev.zumik.schemas.avro.Lane;
import dev.zumik.schemas.avro.RequestShape;
import dev.zumik.schemas.avro.ShapeSource;
import dev.zumik.schemas.topics.Lanes;
import dev.zumik.schemas.topics.Topic;
import dev.zumik.schemas.topics.Topics;
import dev.zumik.streams.StreamsApp;
import dev.zumik.streams.topology.DiagnosisSettings;
import dev.zumik.streams.topology.StreamsSettings;
import dev.zumik.streams.topology.TopicStreams;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.openjdk.jol.info.GraphLayout;

/**
 * The streams app end to end on the embedded broker under exactly_once_v2 with one stream thread,
 * against a pass-through topology in the same run (consume, deserialize the shape, serialize it,
 * produce, under the same guarantee); then the simulation core alone against a naive reference, and
 * the memory of 100,000 simulated blocks. Events are Mooncake-like: 30 blocks of 512 tokens, shared
 * prefixes from a few system prompts. Arguments: events (default 200000), then optionally the
 * streams app's default policies to simulate (default {@code all}: infinite,managed,dynamo,k8s-portable),
 * then the number of alternating rounds (default 3).
 * Usage, from the project root after {@code mvn -q package -DskipTests}:
 * {@code java -cp "bench/target/bench.jar:bench/target/lib/*" dev.zumik.bench.StreamsBench 500000 infinite,managed,dynamo}
 */
public final class StreamsBench {
    private static final int LANES = 8;
    private static final int WARM_UP_EVENTS = 200_000;

    private StreamsBench() { }

    public static void main(final String[] args) throws Exception {
        final int events = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        final List<String> policyNames = args.length > 1 && !args[1].equals("all") ? List.of(args[1].split(",")) : List.of();
        final int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        final Path work = Files.createTempDirectory("zumik-streamsbench");
        final List<CachePolicy> policies = policies(policyNames);
        try (LocalStack stack = LocalStack.startEphemeral()) {
            // Each topology first runs over other shapes, so that neither is timed while the JIT compiles its code.
            final Topics warmUp = topicsWithInput(stack, "warmup.", WARM_UP_EVENTS);
            final Topics topics = topicsWithInput(stack, "bench.", events);
            passThrough(stack, warmUp, work.resolve("pass-warmup"), WARM_UP_EVENTS);
            zumik(stack, warmUp, zumikSettings(stack, work.resolve("zumik-warmup"), policies), WARM_UP_EVENTS);
            // Rounds alternate the two over the same input (each round a new application with empty state), so that
            // each ratio compares runs moments apart on a machine whose speed drifts from minute to minute.
            final List<Double> ratios = new ArrayList<>();
            for (int round = 1; round <= rounds; round++) {
                final double pass = passThrough(stack, topics, work.resolve("pass-" + round), events);
                final double zumik = zumik(stack, topics, zumikSettings(stack, work.resolve("zumik-" + round), policies), events);
                ratios.add(pass / zumik);
                System.out.printf("round %d: pass-through topology (EOS, 1 thread) %,.0f shapes/s; zumik topology (EOS, 1 thread; policies %s) %,.0f shapes/s = %.2f of pass-through%n",
                        round, events / pass, String.join(", ", policies.stream().map(CachePolicy::name).toList()), events / zumik, pass / zumik);
            }
            System.out.printf("zumik topology over pass-through, median of %d rounds: %.2f%n", rounds,
                    ratios.stream().sorted().toList().get(rounds / 2));
        }
        simulationAlone(events, policies);
        core(events);
        memory();
    }

    /** The streams app's default policies, or those of them named (e.g. infinite,managed,dynamo). */
    private static List<CachePolicy> policies(final List<String> names) {
        final List<CachePolicy> all = StreamsSettings.policiesFor(DiagnosisSettings.defaults());
        if (names.isEmpty()) {
            return all;
        }
        final List<CachePolicy> out = new ArrayList<>();
        for (final String name : names) {
            out.add(all.stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow(() -> new IllegalArgumentException(
                    "no default policy is named " + name + "; choose from " + all.stream().map(CachePolicy::name).toList())));
        }
        return out;
    }

    /**
     * The topology's simulation alone (one ReuseSimulator per lane, the same policies and shapes, no
     * Kafka): how much of a shape's time in the topology is the simulation at this scale, as its maps grow.
     */
    private static void simulationAlone(final int events, final List<CachePolicy> policies) {
        final ReuseSimulator[] lanes = new ReuseSimulator[LANES];
        for (int i = 0; i < LANES; i++) {
            lanes[i] = new ReuseSimulator(policies);
        }
        final Random random = new Random(1);
        final long start = System.nanoTime();
        for (int i = 0; i < events; i++) {
            final int lane = random.nextInt(LANES);
            lanes[lane].observe(blocks(lane, random), 512, 15_000, i * 5L);
        }
        final double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("simulation alone (%d policies, %,d shapes over %d lanes, no Kafka): %,.0f shapes/s, %.1f us/shape%n",
                policies.size(), events, LANES, events / seconds, seconds * 1e6 / events);
    }

    /** A shape's blocks: 20 of one of the lane's 16 system prompts, then 10 of its own. Draws from {@code random} as shapes() does. */
    private static long[] blocks(final int lane, final Random random) {
        final int family = random.nextInt(16);
        final long[] out = new long[30];
        for (int b = 0; b < 20; b++) {
            out[b] = lane * 1_000_000L + family * 1000L + b;
        }
        for (int b = 20; b < 30; b++) {
            out[b] = random.nextLong();
        }
        return out;
    }

    /** Creates the topics under {@code prefix} and fills the shape topic with {@code events} shapes. */
    private static Topics topicsWithInput(final LocalStack stack, final String prefix, final int events) throws Exception {
        final Topics topics = Topics.create(stack.registryClient(), Topics.DEFAULT_SHAPE_PARTITIONS, prefix);
        try (Admin admin = Admin.create(stack.clientProperties())) {
            admin.createTopics(topics.all().stream().map(t -> t.newTopic(Optional.empty())).toList()).all().get();
            admin.createTopics(List.of(new NewTopic(prefix + "passthrough", 6, (short) 1))).all().get();
        }
        final long produceStart = System.nanoTime();
        produce(stack, topics.shapes(), events);
        System.out.printf("produced %,d shapes under %s (30 blocks each, %d lanes, 6 partitions) in %.1f s%n", events, prefix, LANES,
                (System.nanoTime() - produceStart) / 1e9);
        return topics;
    }

    private static StreamsSettings zumikSettings(final LocalStack stack, final Path stateDir, final List<CachePolicy> policies) {
        final Map<String, Object> zumikProps = new HashMap<>(stack.clientProperties());
        // ZUMIK_BENCH_STREAMS_<PROPERTY>=value passes a Kafka Streams property, e.g. ZUMIK_BENCH_STREAMS_COMMIT_INTERVAL_MS=1000
        zumikProps.putAll(EnvProperties.withPrefix("ZUMIK_BENCH_STREAMS_"));
        final StreamsSettings settings = StreamsSettings.defaults(zumikProps, stateDir).withApplicationId("bench-zumik-" + UUID.randomUUID())
                .withPolicies(policies);
        // ZUMIK_BENCH_SNAPSHOT_EVERY=N snapshots each lane every N shapes instead of the streams app's default
        final String snapshotEvery = System.getenv("ZUMIK_BENCH_SNAPSHOT_EVERY");
        return snapshotEvery == null ? settings : settings.withSnapshotEvery(Integer.parseInt(snapshotEvery));
    }

    /** Seconds the production topology takes over the shape topic of {@code topics}. */
    private static double zumik(final LocalStack stack, final Topics topics, final StreamsSettings settings, final int events)
            throws Exception {
        try (StreamsApp app = StreamsApp.start(settings, topics)) {
            return timeToCatchUp(stack, app.streams(), settings.applicationId(), topics.shapes().name(), events,
                    () -> app.awaitRunning(Duration.ofSeconds(120)));
        }
    }

    /** Shapes of LANES lanes; each prompt is a shared prefix of 20 blocks (one of 16 system prompts per lane) and 10 blocks of its own. */
    static List<RequestShape> shapes(final int count, final long seed) {
        final Random random = new Random(seed);
        final List<RequestShape> out = new ArrayList<>(count);
        final Instant t0 = RecentTime.yesterdayMidnight();
        for (int i = 0; i < count; i++) {
            final int lane = random.nextInt(LANES);
            final List<Long> hashes = Arrays.stream(blocks(lane, random)).boxed().toList();
            out.add(RequestShape.newBuilder().setEventId(UUID.randomUUID().toString()).setTenant("bench")
                    .setLane(new Lane("openai", "gpt-4.1", "lane-" + lane)).setArrivalTime(t0.plusMillis(i * 5L)).setPromptTokens(15_000)
                    .setCompletionTokens(150).setCachedTokens(null).setCacheWriteTokens(null).setBlockSize(512).setTokenizer("source:bench")
                    .setHashedTokens(15_360).setBlockHashes(hashes).setHashKeyId("k").setTtftMs(400.0).setE2eMs(2000.0).setHttpStatus(200)
                    .setStream(true).setMaxTokens(null).setServiceTier(null).setSource(ShapeSource.IMPORT).setParsed(true).build());
        }
        return out;
    }

    private static void produce(final LocalStack stack, final Topic<String, RequestShape> topic, final int count) {
        final Map<String, Object> props = new HashMap<>(stack.clientProperties());
        props.put("linger.ms", 20);
        props.put("batch.size", 512 * 1024);
        try (KafkaProducer<String, RequestShape> producer = new KafkaProducer<>(props, topic.keySerde().serializer(), topic.valueSerde().serializer())) {
            for (final RequestShape shape : shapes(count, 1)) {
                producer.send(new ProducerRecord<>(topic.name(), null, shape.getArrivalTime().toEpochMilli(), Lanes.key(shape.getLane()), shape));
            }
            producer.flush();
        }
    }

    private static double passThrough(final LocalStack stack, final Topics topics, final Path stateDir, final int events) throws Exception {
        final StreamsBuilder builder = new StreamsBuilder();
        builder.stream(topics.shapes().name(), TopicStreams.consumed(topics.shapes()))
                .to(topics.shapes().name().replace(Topics.SHAPES, "passthrough"), TopicStreams.produced(topics.shapes()));
        final Properties props = new Properties();
        props.putAll(stack.clientProperties());
        final String id = "bench-pass-" + UUID.randomUUID();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, id);
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
        // the same commit interval and producer batch size as the streams app's defaults
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 1000);
        props.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG),
                StreamsSettings.PRODUCER_BATCH_BYTES);
        try (KafkaStreams streams = new KafkaStreams(builder.build(), props)) {
            streams.start();
            return timeToCatchUp(stack, streams, id, topics.shapes().name(), events, () -> {
                while (streams.state() != KafkaStreams.State.RUNNING) {
                    Thread.sleep(20);
                }
                return true;
            });
        }
    }

    interface Ready {
        boolean await() throws Exception;
    }

    /**
     * Seconds from RUNNING until the stream thread has processed every shape (its process-total metric),
     * which does not wait for the next commit: with a 1 s commit interval, waiting for committed offsets
     * would round each run up by as much as a second. The run then waits for the offsets to be committed.
     */
    private static double timeToCatchUp(final LocalStack stack, final KafkaStreams streams, final String group, final String topic,
                                        final int events, final Ready ready) throws Exception {
        if (!ready.await()) {
            throw new IllegalStateException(group + " did not reach RUNNING");
        }
        final long start = System.nanoTime();
        final long gcStart = gcMillis();
        final long cpuStart = processCpuNanos();
        final Map<String, Long> threadsStart = cpuByThreadKind();
        // streams.metrics() copies every metric of every task and store: polled every 5 ms it cost the heavier topology
        // ~15% of a core. The thread's process-total metric is looked up once and then only read.
        final List<Metric> processedTotals = streams.metrics().values().stream()
                .filter(m -> m.metricName().name().equals("process-total") && m.metricName().group().equals("stream-thread-metrics"))
                .map(m -> (Metric) m).toList();
        if (processedTotals.isEmpty()) {
            throw new IllegalStateException(group + " has no stream-thread process-total metric");
        }
        double processed = -1;
        try (Admin admin = Admin.create(stack.clientProperties())) {
            while (true) {
                if (processed < 0 && processedRecords(processedTotals) >= events) {
                    processed = (System.nanoTime() - start) / 1e9;
                    // where a slow run's time went: this JVM (broker included) busy on both cores, or collecting garbage
                    System.out.printf("  %s: processed in %.2f s, process CPU %.1f s, GC %.1f s%n", group.startsWith("bench-pass") ? "pass-through" : "zumik",
                            processed, (processCpuNanos() - cpuStart) / 1e9, (gcMillis() - gcStart) / 1e3);
                    System.out.printf("    CPU by thread kind: %s%n", busiest(threadsStart, cpuByThreadKind(), events));
                }
                if (processed >= 0 && ConsumerGroups.caughtUp(admin, group, topic)) {
                    return processed;
                }
                if (System.nanoTime() - start > Duration.ofMinutes(20).toNanos()) {
                    throw new IllegalStateException(group + " did not catch up on " + events + " events in 20 minutes");
                }
                Thread.sleep(processed < 0 ? 5 : 100);
            }
        }
    }

    private static double processedRecords(final List<Metric> processedTotals) {
        return processedTotals.stream().mapToDouble(m -> ((Number) m.metricValue()).doubleValue()).sum();
    }

    private static long gcMillis() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream()
                .mapToLong(GarbageCollectorMXBean::getCollectionTime).sum();
    }

    /** CPU time of this JVM's live threads, summed by name with numbers and ids taken out (all stream threads are one kind). */
    private static Map<String, Long> cpuByThreadKind() {
        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        final Map<String, Long> out = new HashMap<>();
        for (final ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            final long cpu = info == null ? -1 : threads.getThreadCpuTime(info.getThreadId());
            if (cpu > 0) {
                out.merge(info.getThreadName().replaceAll("-?[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}", "").replaceAll("[0-9]+", "#"), cpu, Long::sum);
            }
        }
        return out;
    }

    /** The five thread kinds that used most CPU between two readings, in microseconds per event. */
    private static String busiest(final Map<String, Long> before, final Map<String, Long> after, final int events) {
        return after.entrySet().stream()
                .map(e -> Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0L)))
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(5)
                .map(e -> String.format("%s %.1f us", e.getKey(), e.getValue() / 1e3 / events))
                .collect(Collectors.joining(", "));
    }

    private static long processCpuNanos() {
        return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** The simulation core (ReuseSimulator: infinite, LRU, TTL) against a naive reference on the same events. */
    private static void core(final int events) {
        final int n = Math.min(events, 3_000);
        final List<RequestShape> shapes = shapes(n, 2);
        final List<long[]> blocks = new ArrayList<>(n);
        for (final RequestShape s : shapes) {
            blocks.add(s.getBlockHashes().stream().mapToLong(Long::longValue).toArray());
        }
        final long capacityBlocks = 20_000;
        for (int round = 0; round < 3; round++) {
            final long t0 = System.nanoTime();
            final ReuseSimulator simulator = new ReuseSimulator(CachePolicy.parseList("infinite,lru:" + capacityBlocks * 512 + ",ttl:60s"));
            for (int i = 0; i < n; i++) {
                simulator.observe(blocks.get(i), 512, 15_000, i * 5L);
            }
            final long t1 = System.nanoTime();
            final long referenceHits = reference(blocks, capacityBlocks);
            final long t2 = System.nanoTime();
            if (round == 2) {
                System.out.printf("simulation core: %,.0f events/s (3 policies) against the naive reference's %,.0f (%.0fx); LRU hit tokens %d vs %d%n",
                        n / ((t1 - t0) / 1e9), n / ((t2 - t1) / 1e9), (double) (t2 - t1) / (t1 - t0),
                        simulator.totals().get(1).hitTokens(), referenceHits);
            }
        }
    }

    /** The straightforward version: lists and linear scans, as in the tests' reference; infinite, LRU and TTL. */
    private static long reference(final List<long[]> blocks, final long capacityBlocks) {
        final Set<Long> infinite = new HashSet<>();
        final LinkedList<Long> lru = new LinkedList<>();
        final Map<Long, Long> ttl = new HashMap<>();
        long lruHitTokens = 0;
        long sink = 0;
        for (int i = 0; i < blocks.size(); i++) {
            final long now = i * 5L;
            int lruHit = 0;
            while (lruHit < blocks.get(i).length && lru.contains(blocks.get(i)[lruHit])) {
                lruHit++;
            }
            int infiniteHit = 0;
            while (infiniteHit < blocks.get(i).length && infinite.contains(blocks.get(i)[infiniteHit])) {
                infiniteHit++;
            }
            int ttlHit = 0;
            while (ttlHit < blocks.get(i).length && ttl.containsKey(blocks.get(i)[ttlHit]) && now - ttl.get(blocks.get(i)[ttlHit]) < 60_000) {
                ttlHit++;
            }
            sink += infiniteHit + ttlHit;
            for (final long h : blocks.get(i)) {
                infinite.add(h);
                lru.remove(h);
                lru.addLast(h);
                ttl.put(h, now);
            }
            while (lru.size() > capacityBlocks) {
                lru.removeFirst();
            }
            lruHitTokens += Math.min(lruHit * 512L, 15_000);
        }
        return sink < 0 ? -1 : lruHitTokens;
    }

    /**
     * Bytes reachable from each cache model after 100,000 distinct blocks (JOL's object graph walk: the
     * arrays as allocated, slack included), rather than heap in use, which G1 counts in whole regions
     * for the large arrays these are.
     */
    private static void memory() {
        final long[] hashes = new Random(3).longs(100_000).toArray();
        final InfiniteCache infinite = new InfiniteCache();
        infinite.access(hashes, 0);
        final TieredLruCache lru = new TieredLruCache(200_000);
        lru.access(hashes, 0);
        final TtlCache ttl = new TtlCache(300_000);
        ttl.access(hashes, 0);
        System.out.printf("memory per 100,000 simulated blocks: ideal cache %s, LRU tier %s, TTL model %s%n",
                bytesPerBlock(infinite), bytesPerBlock(lru), bytesPerBlock(ttl));
    }

    private static String bytesPerBlock(final Object cache) {
        final long bytes = GraphLayout.parseInstance(cache).totalSize();
        return String.format("%.1f MB (%d B/block)", bytes / 1e6, bytes / 100_000);
    }
}
