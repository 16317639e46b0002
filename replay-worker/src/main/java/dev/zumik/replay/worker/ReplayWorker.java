package dev.zumik.replay.worker;

import dev.zumik.core.cost.ByocProfile;
import dev.zumik.core.cost.DemandProfile;
import dev.zumik.core.decision.ByocReason;
import dev.zumik.core.decision.Isolation;
import dev.zumik.core.decision.LanePolicies;
import dev.zumik.replay.ReplayJob;
import dev.zumik.replay.backend.Backend;
import dev.zumik.replay.purge.DrillEvidence;
import dev.zumik.replay.report.ReportFiles;
import dev.zumik.replay.sign.SigningKeys;
import dev.zumik.replay.verdict.Decider;
import dev.zumik.replay.verdict.ReasonTest;
import dev.zumik.schemas.avro.DeadLetter;
import dev.zumik.schemas.avro.DemandHour;
import dev.zumik.schemas.avro.ReplayRequest;
import dev.zumik.schemas.avro.ReplayTrigger;
import dev.zumik.schemas.avro.Verdict;
import dev.zumik.schemas.config.Readers;
import dev.zumik.schemas.topics.Lanes;
import dev.zumik.schemas.topics.ShapeWindowReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes replay requests as a member of a consumer group and answers each with exactly one
 * verdict. A request is replayed off the polling thread (the partitions paused, polls continuing, so
 * the group keeps the member however long the replay takes); its verdict and the request's offset
 * commit in one Kafka transaction. A worker that dies mid-replay commits nothing, so another member
 * takes the request over; request ids already answered (read from the verdict topic at start, and
 * remembered since) are skipped, so a re-sent request does not get a second verdict. Requests that
 * cannot be read or make no sense go to the dead-letter topic with the reason.
 */
public final class ReplayWorker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReplayWorker.class);
    static final String STAGE = "replay-worker";

    private final WorkerSettings settings;
    private final Thread thread;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Set<String> answered = new HashSet<>();
    private final Set<TopicPartition> revoked = ConcurrentHashMap.newKeySet();
    private final ExecutorService replayer = Executors.newSingleThreadExecutor(r -> {
        final Thread t = new Thread(r, "replay-job");
        t.setDaemon(true);
        return t;
    });
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile String state = "STARTING";
    private volatile Throwable failure;

    private ReplayWorker(final WorkerSettings settings) {
        this.settings = settings;
        this.thread = new Thread(this::loop, "replay-worker");
    }

    public static ReplayWorker start(final WorkerSettings settings) {
        final ReplayWorker worker = new ReplayWorker(settings);
        worker.thread.start();
        return worker;
    }

    /** STARTING, IDLE, REPLAYING, STOPPED or FAILED. */
    public String state() {
        return state;
    }

    public Throwable failure() {
        return failure;
    }

    private void loop() {
        final Properties consumerProps = Readers.committedGroup(settings.kafka(), settings.groupId());
        consumerProps.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "1");
        final Properties producerProps = new Properties();
        producerProps.putAll(settings.kafka());
        producerProps.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "zumik-replay-worker-" + UUID.randomUUID());
        producerProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(consumerProps, new StringDeserializer(), new ByteArrayDeserializer());
             KafkaProducer<byte[], byte[]> verdicts = new KafkaProducer<>(producerProps, new ByteArraySerializer(), new ByteArraySerializer());
             KafkaConsumer<String, byte[]> reader = verdictReader()) {
            consumer = c;
            catchUpAnswered(reader);
            LOG.info("{} replay requests already answered on {}", answered.size(), settings.topics().verdicts().name());
            verdicts.initTransactions();
            c.subscribe(List.of(settings.topics().replayRequests().name()), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(final Collection<TopicPartition> partitions) {
                    revoked.addAll(partitions);
                }

                @Override
                public void onPartitionsAssigned(final Collection<TopicPartition> partitions) {
                    revoked.removeAll(partitions);
                }
            });
            state = "IDLE";
            while (running.get()) {
                for (final ConsumerRecord<String, byte[]> record : c.poll(Duration.ofMillis(500))) {
                    catchUpAnswered(reader);
                    handle(c, verdicts, record);
                }
            }
            state = "STOPPED";
        } catch (final WakeupException stopping) {
            state = "STOPPED";
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            state = "STOPPED";
        } catch (final RuntimeException e) {
            failure = e;
            state = "FAILED";
            LOG.error("replay worker stopped: {}", e.toString(), e);
        }
    }

    private void handle(final KafkaConsumer<String, byte[]> c, final KafkaProducer<byte[], byte[]> producer,
                        final ConsumerRecord<String, byte[]> record) throws InterruptedException {
        final TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        final ReplayRequest request;
        final ByocProfile profile;
        try {
            request = settings.topics().replayRequests().valueSerde().deserializer().deserialize(record.topic(), record.value());
            if (request == null) {
                throw new IllegalArgumentException("empty value (tombstone) on the replay request topic");
            }
            Lanes.requireValid(request.getLane());
            if (!request.getToTime().isAfter(request.getFromTime())) {
                throw new IllegalArgumentException("toTime " + request.getToTime() + " is not after fromTime " + request.getFromTime());
            }
            if (!(request.getTimeScale() > 0)) {
                throw new IllegalArgumentException("timeScale must be > 0, got " + request.getTimeScale());
            }
            profile = settings.profiles().apply(request.getProfile());
        } catch (final RuntimeException e) {
            LOG.warn("replay request at {}:{} rejected to the dead-letter topic: {}", partition, record.offset(), e.getMessage());
            commit(producer, c, record, null, deadLetter(record, e));
            return;
        }
        if (answered.contains(request.getRequestId())) {
            LOG.info("replay request {} already has a verdict; skipped", request.getRequestId());
            commit(producer, c, record, null, null);
            return;
        }
        state = "REPLAYING";
        c.pause(c.assignment());
        final Future<ReplayJob.Result> job = replayer.submit(() -> replay(request, profile));
        try {
            while (!job.isDone()) {
                c.poll(Duration.ofMillis(200));
                if (revoked.contains(partition)) {
                    job.cancel(true);
                    LOG.warn("partition {} was reassigned during replay {}; its new owner replays it", partition, request.getRequestId());
                    return;
                }
                if (!running.get()) {
                    job.cancel(true);
                    return;
                }
            }
            final ReplayJob.Result result = job.get();
            final var dir = settings.outDir().resolve(request.getRequestId());
            ReportFiles.write(dir, result);
            commit(producer, c, record, VerdictRecords.of(request, result), null);
            answered.add(request.getRequestId());
            LOG.info("verdict {} for replay {} of {}: {} ({})", result.report().decision(), request.getRequestId(),
                    Lanes.key(request.getLane()), String.join(", ", result.report().reasons()), dir.resolve(ReportFiles.HTML_REPORT));
        } catch (final ExecutionException e) {
            LOG.error("replay {} failed: {}", request.getRequestId(), e.getCause().toString(), e.getCause());
            commit(producer, c, record, null, deadLetter(record, e.getCause()));
        } finally {
            c.resume(c.assignment());
            state = "IDLE";
        }
    }

    private ReplayJob.Result replay(final ReplayRequest request, final ByocProfile profile) {
        final String laneKey = Lanes.key(request.getLane());
        LOG.info("replay {}: loading {} [{}, {}) from {}", request.getRequestId(), laneKey, request.getFromTime(), request.getToTime(),
                settings.topics().shapes().name());
        final ShapeWindowReader.Window window = ShapeWindowReader.read(settings.kafka(), settings.topics().shapes().name(),
                settings.topics().shapes().valueSerde().deserializer(), request.getLane(), request.getFromTime(), request.getToTime(),
                settings.lateness());
        final LanePolicies.Policy policy = settings.policies().forLane(laneKey).withSlo(request.getTtftSloMs(), request.getE2eSloMs());
        final Backend candidate = settings.backends().candidate(profile);
        // only a lane requiring runtime-confirmed deletion needs the candidate's latest signed drill
        final DrillEvidence drill = policy.isolation().contains(Isolation.RUNTIME_CONFIRMED_DELETION)
                ? DrillRecords.latest(settings.kafka(), settings.topics().purges(), SigningKeys.publicOf(settings.signingKey()), profile.name(),
                        candidate.baseUrl()).orElse(null) : null;
        final ReplayJob.Inputs inputs = new ReplayJob.Inputs(request.getRequestId(), laneKey, request.getFromTime(), request.getToTime(),
                request.getTrigger().name(), window.shapes(), window.truncatedByRetention(), profile,
                settings.backends().baseline(request.getLane().getProvider(), request.getLane().getModel()),
                candidate, settings.prices(), policy, settings.decision(),
                settings.replay().withTimeScale(request.getTimeScale()), asked(request), request.getQualityEvidence(),
                settings.candidateReplicas(), demand(request), request.getAcceptPartialCoverage()
                ? (request.getTrigger() == ReplayTrigger.DIAGNOSIS ? "the lane policy (acceptPartialCoverage)" : "zumik replay request --accept-partial-coverage")
                : policy.acceptsPartialCoverage() ? "the lane policy (acceptPartialCoverage)" : null, drill);
        LOG.info("replay {}: {} shapes against {} and {}", request.getRequestId(), window.shapes().size(), inputs.baseline(),
                inputs.candidate());
        try {
            return ReplayJob.run(inputs, settings.signingKey(), (b, c) -> { });
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("replay interrupted");
        }
    }

    /** The captured demand a request carries (the streams app's hour-of-week profile), or null: the window alone is priced. */
    static ReplayJob.Demand demand(final ReplayRequest request) {
        final dev.zumik.schemas.avro.DemandProfile d = request.getDemand();
        if (d == null) {
            return null;
        }
        final Map<Integer, DemandProfile.Slot> slots = new HashMap<>();
        for (final DemandHour h : d.getHours()) {
            slots.merge(Math.floorMod(h.getHourOfWeek(), DemandProfile.HOURS_PER_WEEK), new DemandProfile.Slot(h.getRequests(),
                    h.getPromptTokens(), h.getCachedTokens(), h.getCacheWriteTokens(), h.getCacheReportingRequests(), h.getOutputTokens(),
                    h.getBatchRequests(), h.getPeakPromptTokensPerSecond(), h.getPeakOutputTokensPerSecond()), DemandProfile.Slot::plus);
        }
        return new ReplayJob.Demand(new DemandProfile(d.getHorizonStart().toEpochMilli(), d.getHorizonEnd().toEpochMilli(), slots),
                ReplayJob.Demand.STREAMS);
    }

    /**
     * The BYOC reasons a request asks the replay to test: the diagnosis's for a triggered replay, the
     * person's for a manual one. Codes that are not one of the three (an older client's MANUAL) are no reason.
     */
    static List<Decider.Asked> asked(final ReplayRequest request) {
        final String source = request.getTrigger() == ReplayTrigger.DIAGNOSIS ? ReasonTest.FROM_DIAGNOSIS : ReasonTest.DECLARED;
        return request.getReasons().stream().map(ByocReason::ofCode).flatMap(Optional::stream)
                .map(reason -> new Decider.Asked(reason, source)).toList();
    }

    /** The verdict and the request's offset (or a dead letter and the offset) in one transaction. */
    private void commit(final KafkaProducer<byte[], byte[]> producer, final KafkaConsumer<String, byte[]> c,
                        final ConsumerRecord<String, byte[]> record, final Verdict verdict, final DeadLetter letter) {
        producer.beginTransaction();
        try {
            if (verdict != null) {
                final String topic = settings.topics().verdicts().name();
                producer.send(new ProducerRecord<>(topic, settings.topics().verdicts().keySerde().serializer().serialize(topic, verdict.getRequestId()),
                        settings.topics().verdicts().valueSerde().serializer().serialize(topic, verdict)));
            }
            if (letter != null) {
                final String topic = settings.topics().deadLetters().name();
                producer.send(new ProducerRecord<>(topic, record.key() == null ? null : record.key().getBytes(StandardCharsets.UTF_8),
                        settings.topics().deadLetters().valueSerde().serializer().serialize(topic, letter)));
            }
            producer.sendOffsetsToTransaction(Map.of(new TopicPartition(record.topic(), record.partition()),
                    new OffsetAndMetadata(record.offset() + 1)), c.groupMetadata());
            producer.commitTransaction();
        } catch (final RuntimeException e) {
            producer.abortTransaction();
            throw e;
        }
    }

    private DeadLetter deadLetter(final ConsumerRecord<String, byte[]> record, final Throwable cause) {
        return DeadLetter.newBuilder().setTopic(record.topic()).setPartition(record.partition()).setOffset(record.offset())
                .setKey(record.key() == null ? null : ByteBuffer.wrap(record.key().getBytes(StandardCharsets.UTF_8)))
                .setValue(record.value() == null ? null : ByteBuffer.wrap(record.value()))
                .setReason(String.valueOf(cause.getMessage())).setErrorClass(cause.getClass().getName()).setStage(STAGE)
                .setFailedAt(Instant.now()).build();
    }

    /**
     * Reads the verdict topic up to its end into {@link #answered}: all of it at start, then what other
     * members published since, before each request, so a request re-sent after a rebalance is still seen as answered.
     */
    private void catchUpAnswered(final KafkaConsumer<String, byte[]> reader) {
        final Map<TopicPartition, Long> ends = reader.endOffsets(reader.assignment());
        while (reader.assignment().stream().anyMatch(p -> reader.position(p) < ends.get(p))) {
            reader.poll(Duration.ofMillis(200)).forEach(r -> answered.add(r.key()));
        }
    }

    private KafkaConsumer<String, byte[]> verdictReader() {
        final Properties props = Readers.committed(settings.kafka());
        final KafkaConsumer<String, byte[]> reader = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        final List<TopicPartition> partitions = reader.partitionsFor(settings.topics().verdicts().name(), Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        reader.assign(partitions);
        reader.seekToBeginning(partitions);
        return reader;
    }

    /** The signing key's id, for logs. */
    public String keyId() {
        return SigningKeys.keyId(SigningKeys.publicOf(settings.signingKey()));
    }

    @Override
    public void close() {
        running.set(false);
        final KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        replayer.shutdownNow();
        try {
            thread.join(Duration.ofSeconds(30).toMillis());
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
