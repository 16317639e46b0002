package dev.zumik.replay.worker;

import dev.zumik.replay.sign.SignedVerdict;
import dev.zumik.replay.sign.WindowDigest;
import dev.zumik.schemas.topics.Lanes;
import dev.zumik.schemas.topics.ShapeWindowReader;
import dev.zumik.schemas.topics.Topics;
import java.time.Duration;
import java.util.Map;

/** Recomputes a window's digest from the shape topic, for {@code zumik verify --kafka}. */
public final class KafkaWindows {
    private KafkaWindows() { }

    public static SignedVerdict.WindowSource source(final Map<String, Object> kafka, final Topics topics, final Duration lateness) {
        return (laneKey, from, to) -> WindowDigest.sha256(ShapeWindowReader.read(kafka, topics.shapes().name(),
                topics.shapes().valueSerde().deserializer(), Lanes.parse(laneKey), from, to, lateness).shapes());
    }
}
