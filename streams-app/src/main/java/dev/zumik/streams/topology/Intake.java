package dev.zumik.streams.topology;

import dev.zumik.schemas.avro.DeadLetter;
import dev.zumik.schemas.avro.RequestShape;

/**
 * One consumed shape record after intake: a valid shape with the bytes it was read from (the lane
 * journal keeps those), or a dead letter.
 */
public record Intake(RequestShape shape, byte[] raw, DeadLetter deadLetter) {

    public boolean valid() {
        return shape != null;
    }
}
