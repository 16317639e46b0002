package dev.zumik.streams.topology;

import dev.zumik.core.decision.Diagnoser;
import dev.zumik.core.decision.Diagnosis;
import dev.zumik.core.decision.LaneEvidence;
import dev.zumik.schemas.avro.DiagnosisDecision;
import dev.zumik.schemas.avro.LaneDiagnosis;
import dev.zumik.schemas.avro.LaneWindowStats;
import dev.zumik.schemas.avro.ManagedLever;
import dev.zumik.schemas.avro.ReplayRequest;
import dev.zumik.schemas.avro.ReplayTrigger;
import dev.zumik.schemas.topics.Lanes;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Diagnoses every lane once per evaluation period from the closed windows of all lanes (one task sees
 * every lane: concentration is across lanes). A period [E − P, E) is evaluated when a window starting
 * at or after E + one window arrives, leaving one window of slack for lanes whose windows close a
 * little later on other partitions; when no window comes for a while, the wall clock stands in (see
 * {@link #evaluateByClock}). Emits a LaneDiagnosis per lane, and a ReplayRequest for a
 * REPLAY_CANDIDATE unless the lane had one within the cooldown, carrying the lane's hour-of-week demand
 * ({@link DemandHours}, kept from every closed window) that the verdict's money is priced from. Everything is in event time, so a
 * replay of the input gives the same diagnoses and request ids.
 */
public final class DiagnosisProcessor implements Processor<String, LaneWindowStats, String, DiagnosisOutcome> {
    static final String WINDOWS = "diagnosis-windows";
    /** Marks: the next period's end, the latest window start, each lane's last replay and demand horizon (the query API reads them). */
    public static final String MARKS = "diagnosis-marks";
    /** The latest diagnosis of each lane (Avro binary), for the query API. */
    public static final String LATEST = "diagnosis-latest";
    public static final String NEXT_PERIOD_END = "#next-period-end";
    private static final String NEXT_END = NEXT_PERIOD_END;
    /** The latest window start seen: with the wall time since, the clock that evaluates periods when no window comes. */
    private static final String LATEST_START = "#latest-window-start";
    private static final Duration CLOCK_CHECK_EVERY = Duration.ofSeconds(1);

    private final DiagnosisSettings settings;
    private final long windowMillis;
    private final Diagnoser diagnoser;
    private ProcessorContext<String, DiagnosisOutcome> context;
    private KeyValueStore<String, byte[]> windows;
    private KeyValueStore<String, Long> marks;
    private KeyValueStore<String, byte[]> latest;
    private DemandHours demand;
    /** Wall-clock time of the latest window (or of the task's start). */
    private long wallAtLastWindow;

    DiagnosisProcessor(final DiagnosisSettings settings, final long windowMillis) {
        this.settings = settings;
        this.windowMillis = windowMillis;
        this.diagnoser = new Diagnoser(settings.prices(), settings.profiles(), settings.lanePolicies(), settings.decision());
    }

    @Override
    public void init(final ProcessorContext<String, DiagnosisOutcome> context) {
        this.context = context;
        this.windows = context.getStateStore(WINDOWS);
        this.marks = context.getStateStore(MARKS);
        this.latest = context.getStateStore(LATEST);
        this.demand = new DemandHours(context.getStateStore(DemandHours.STORE), marks);
        this.wallAtLastWindow = context.currentSystemTimeMs();
        context.schedule(CLOCK_CHECK_EVERY, PunctuationType.WALL_CLOCK_TIME, this::evaluateByClock);
    }

    private long periodMillis() {
        return settings.evaluationWindows() * windowMillis;
    }

    @Override
    public void process(final Record<String, LaneWindowStats> record) {
        final LaneWindowStats stats = record.value();
        final long start = stats.getWindowStart().toEpochMilli();
        demand.add(Lanes.key(stats.getLane()), stats); // a window too late for its period is still demand
        Long nextEnd = marks.get(NEXT_END);
        if (nextEnd == null) {
            nextEnd = Math.floorDiv(start, periodMillis()) * periodMillis() + periodMillis();
        }
        if (start < nextEnd - periodMillis()) {
            return; // a window of a period already evaluated: too late to count
        }
        windows.put(windowKey(start, Lanes.key(stats.getLane())), AvroBytes.write(stats));
        final Long latest = marks.get(LATEST_START);
        if (latest == null || start > latest) {
            marks.put(LATEST_START, start);
        }
        wallAtLastWindow = context.currentSystemTimeMs();
        marks.put(NEXT_END, evaluateUpTo(start, nextEnd));
    }

    /** Evaluates every period that a window starting at {@code start} shows is over; returns the next period's end. */
    private long evaluateUpTo(final long start, final long nextEnd) {
        long end = nextEnd;
        while (start >= end + windowMillis) {
            evaluate(end);
            end += periodMillis();
        }
        return end;
    }

    /**
     * When no window has come for a while, the latest window start plus the wall time since stands in for
     * the next window's start: a quiet lane (or a quiet organisation) still gets its period diagnosed.
     */
    private void evaluateByClock(final long now) {
        final long idle = now - wallAtLastWindow;
        final Long latest = marks.get(LATEST_START);
        final Long nextEnd = marks.get(NEXT_END);
        if (idle < CLOCK_CHECK_EVERY.toMillis() || latest == null || nextEnd == null) {
            return;
        }
        final long end = evaluateUpTo(latest + idle, nextEnd);
        if (end != nextEnd) {
            marks.put(NEXT_END, end);
        }
    }

    private void evaluate(final long end) {
        final long from = end - periodMillis();
        final PeriodEvidence period = new PeriodEvidence(from, end, windowMillis, settings.decision().hotShare());
        final List<String> used = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = windows.range(windowKey(0, ""), windowKey(end - 1, "\uffff"))) {
            while (it.hasNext()) {
                final KeyValue<String, byte[]> entry = it.next();
                used.add(entry.key);
                final LaneWindowStats stats = AvroBytes.read(entry.value, LaneWindowStats.class);
                if (stats.getWindowStart().toEpochMilli() >= from) {
                    period.add(stats);
                }
            }
        }
        used.forEach(windows::delete);
        if (period.isEmpty()) {
            return;
        }
        final Map<String, Double> concentration = period.concentration();
        for (final String laneKey : period.laneKeys()) {
            final LaneEvidence evidence = period.evidence(laneKey);
            final Diagnosis diagnosis = diagnoser.diagnose(evidence);
            final Map<String, Double> figures = new LinkedHashMap<>(diagnosis.figures());
            figures.putAll(concentration);
            figures.values().removeIf(v -> v == null || v.isNaN() || v.isInfinite());
            final LaneDiagnosis out = LaneDiagnosis.newBuilder().setLane(period.lane(laneKey)).setPeriodStart(Instant.ofEpochMilli(from))
                    .setPeriodEnd(Instant.ofEpochMilli(end)).setDecision(DiagnosisDecision.valueOf(diagnosis.decision().name()))
                    .setReasons(diagnosis.reasonNames()).setFigures(figures)
                    .setLevers(diagnosis.levers().stream().map(l -> new ManagedLever(l.lever(), l.advice(), l.estimatedMonthlySavingsUsd(),
                            l.estimatedSavingsPct())).toList())
                    .setEstimatedGainPct(finite(diagnosis.estimatedGainPct())).setProfile(diagnosis.profile())
                    .setThresholds(settings.decision().asMap()).build();
            latest.put(laneKey, AvroBytes.write(out));
            context.forward(new Record<>(laneKey, new DiagnosisOutcome.Diagnosed(out), end));
            if (diagnosis.decision() == Diagnosis.Decision.REPLAY_CANDIDATE) {
                final Long last = marks.get("replay|" + laneKey);
                if (last == null || end - last >= settings.replayCooldown().toMillis()) {
                    marks.put("replay|" + laneKey, end);
                    final String id = UUID.nameUUIDFromBytes(("replay|" + laneKey + "|" + end).getBytes(StandardCharsets.UTF_8)).toString();
                    context.forward(new Record<>(id, (DiagnosisOutcome) new DiagnosisOutcome.ReplayAsked(ReplayRequest.newBuilder().setRequestId(id).setLane(period.lane(laneKey))
                            .setFromTime(Instant.ofEpochMilli(from)).setToTime(Instant.ofEpochMilli(end)).setProfile(diagnosis.profile())
                            .setTrigger(ReplayTrigger.DIAGNOSIS).setReasons(diagnosis.reasonNames())
                            .setEstimatedGainPct(finite(diagnosis.estimatedGainPct())).setTimeScale(settings.replayTimeScale())
                            .setRequestedAt(Instant.ofEpochMilli(end)).setDemand(demand.profile(laneKey, end))
                            .setAcceptPartialCoverage(settings.lanePolicies().forLane(laneKey).acceptsPartialCoverage()).build()), end));
                }
            }
        }
    }

    private static Double finite(final Double value) {
        return value == null || value.isNaN() || value.isInfinite() ? null : value;
    }

    /** Window start zero-padded, so that the store's order is time order, then the lane. */
    private static String windowKey(final long start, final String lane) {
        return String.format("%019d|%s", Math.max(0, start), lane);
    }
}
