package dev.zumik.streams.topology;

import dev.zumik.schemas.avro.DeadLetter;
import dev.zumik.schemas.avro.RequestShape;

/** One consumed shape record after intake: a valid shape, or a dead letter. */
public record Intake(RequestShape shape, DeadLetter deadLetter) {

    public boolean valid() {
        return shape != null;
    }
}
