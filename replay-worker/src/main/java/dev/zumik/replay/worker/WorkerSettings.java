package dev.zumik.replay.worker;

import dev.zumik.core.cost.ByocProfile;
import dev.zumik.core.cost.PriceTable;
import dev.zumik.core.decision.DecisionSettings;
import dev.zumik.core.decision.LanePolicies;
import dev.zumik.replay.schedule.ReplaySettings;
import dev.zumik.schemas.topics.ShapeWindowReader;
import dev.zumik.schemas.topics.Topics;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;

/**
 * A replay worker's configuration.
 *
 * @param kafka     Kafka client properties (bootstrap servers, security); the worker adds its own
 * @param groupId   consumer group of the workers sharing replay requests
 * @param profiles  profile name → BYOC profile; throws IllegalArgumentException for an unknown name
 * @param outDir    each verdict's files go to {@code outDir/<requestId>/}
 * @param lateness  how late a shape may be appended after its arrival (see ShapeWindowReader)
 * @param candidateReplicas replicas behind the candidate as declared, or null to read them from its metrics
 */
public record WorkerSettings(Map<String, Object> kafka, Topics topics, String groupId, Backends backends,
                             Function<String, ByocProfile> profiles, PriceTable prices, LanePolicies policies, DecisionSettings decision,
                             ReplaySettings replay, PrivateKey signingKey, Path outDir, Duration lateness, Integer candidateReplicas) {

    public static final String DEFAULT_GROUP = "zumik-replay-workers";

    /**
     * The shipped profiles and prices, no lane policies, the default thresholds and replay settings, the default group,
     * the shape topic's default lateness, and the candidate's replicas read from its metrics.
     */
    public static WorkerSettings defaults(final Map<String, Object> kafka, final Topics topics, final Backends backends, final PrivateKey signingKey,
                                          final Path outDir) {
        return new WorkerSettings(kafka, topics, DEFAULT_GROUP, backends, ByocProfile::shipped, PriceTable.defaults(), LanePolicies.none(),
                DecisionSettings.defaults(), ReplaySettings.defaults(), signingKey, outDir, ShapeWindowReader.DEFAULT_LATENESS,
                null);
    }

    public WorkerSettings withGroupId(final String group) {
        return new WorkerSettings(kafka, topics, group, backends, profiles, prices, policies, decision, replay, signingKey, outDir, lateness,
                candidateReplicas);
    }

    public WorkerSettings withPrices(final PriceTable table) {
        return new WorkerSettings(kafka, topics, groupId, backends, profiles, table, policies, decision, replay, signingKey, outDir, lateness,
                candidateReplicas);
    }

    public WorkerSettings withPolicies(final LanePolicies lanePolicies) {
        return new WorkerSettings(kafka, topics, groupId, backends, profiles, prices, lanePolicies, decision, replay, signingKey, outDir, lateness,
                candidateReplicas);
    }

    public WorkerSettings withReplay(final ReplaySettings replaySettings) {
        return new WorkerSettings(kafka, topics, groupId, backends, profiles, prices, policies, decision, replaySettings, signingKey, outDir, lateness,
                candidateReplicas);
    }

    /** How late a shape may be appended after its arrival and still be in its window's replay. */
    public WorkerSettings withLateness(final Duration shapeLateness) {
        return new WorkerSettings(kafka, topics, groupId, backends, profiles, prices, policies, decision, replay, signingKey, outDir, shapeLateness,
                candidateReplicas);
    }
}
