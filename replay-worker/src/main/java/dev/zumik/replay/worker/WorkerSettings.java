package dev.zumik.replay.worker;

import dev.zumik.core.cost.ByocProfile;
import dev.zumik.core.cost.PriceTable;
import dev.zumik.core.decision.DecisionSettings;
import dev.zumik.core.decision.LanePolicies;
import dev.zumik.replay.schedule.ReplaySettings;
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
}
