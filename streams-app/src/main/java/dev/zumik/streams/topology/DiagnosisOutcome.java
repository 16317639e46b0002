package dev.zumik.streams.topology;

import dev.zumik.schemas.avro.LaneDiagnosis;
import dev.zumik.schemas.avro.ReplayRequest;

/** What the diagnosis step emits: a lane's diagnosis for a period, or the replay request a candidate lane triggered. */
public sealed interface DiagnosisOutcome {

    /** A lane's diagnosis, to {@code zumik.diagnoses.v1}. */
    record Diagnosed(LaneDiagnosis diagnosis) implements DiagnosisOutcome { }

    /** A replay request, to {@code zumik.replay-requests.v1}. */
    record ReplayAsked(ReplayRequest request) implements DiagnosisOutcome { }
}
