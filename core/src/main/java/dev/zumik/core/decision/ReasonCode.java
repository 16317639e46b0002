package dev.zumik.core.decision;

import java.util.Arrays;
import java.util.Optional;

/**
 * Every reason code a diagnosis or a verdict gives, with what it means in a sentence a lane's owner
 * can act on. Diagnoses and verdicts carry the codes as strings on the wire (their Avro fields are
 * string arrays, so a consumer built before a code existed still reads it); this is their one home.
 */
public enum ReasonCode {
    // the three reasons that can justify BYOC
    LATENCY_SLO("a declared latency objective the managed API misses under this load"),
    CONCENTRATED_HOT_VOLUME("sustained, concentrated volume on a top lane, with reuse that managed caching leaves on the table"),
    ISOLATION_REQUIRED("declared isolation or purge requirements (private networking, regional pinning, runtime-confirmed deletion)"),
    // why a lane stays put
    NO_PRICE("the price table has no managed price for this model, so nothing can be compared"),
    LOW_VOLUME("the lane spends too little on the managed API for self-hosting to pay"),
    MANAGED_ALREADY_CAPTURES("managed prompt caching already captures the reuse there is: little is left for self-hosting to gain"),
    NO_MATERIAL_GAIN("self-hosting would not save at least the material threshold"),
    LONG_PROMPTS_ALONE("long prompts alone never justify self-hosting"),
    NO_BYOC_REASON("none of the reasons that can justify self-hosting holds (latency SLO, concentrated hot volume, isolation)"),
    ISOLATION_NOT_OFFERED("no BYOC profile declares every isolation capability the lane requires"),
    PRIORITY_TIER_FIRST("the managed priority tier is priced below self-hosting: try it for the latency objective first"),
    // the replay's tests
    MATERIAL_GAIN("the cost gain's interval lies at or above the material threshold"),
    EQUAL_CAPTURE("the candidate's caches capture as much of the prompts as managed caching"),
    CAPTURE_WORSE("the candidate's caches capture less of the prompts than managed caching"),
    SLO_NO_WORSE("the candidate meets the lane's SLOs as often as the managed API"),
    SLO_WORSE("the candidate meets the lane's SLOs less often than the managed API"),
    SLO_MET_BY_CANDIDATE("the candidate meets the declared latency objective"),
    SLO_MISSED_BY_CANDIDATE("the candidate misses the declared latency objective too"),
    SLO_MET_BY_MANAGED("the managed API already meets the declared latency objective"),
    NO_SLO_DECLARED("the lane declares no latency objective to test"),
    WITHIN_ACCEPTED_PREMIUM("self-hosting costs no more than the premium the lane accepts over managed"),
    PREMIUM_EXCEEDED("self-hosting costs more than the premium the lane accepts over managed"),
    CAPABILITIES_MET("the BYOC profile declares every isolation capability the lane requires"),
    CAPABILITY_MISSING("the BYOC profile lacks an isolation capability the lane requires"),
    NO_ISOLATION_DECLARED("the lane declares no isolation requirement to test"),
    DELETION_CONFIRMED("a deletion drill of this candidate, signed with the verdict key and within the age limit, saw every cache tier "
            + "reset and a probe miss"),
    DELETION_DRILL_MISSING("the lane requires runtime-confirmed deletion and no signed deletion drill of this candidate is on record "
            + "(zumik purge --runtime)"),
    DELETION_DRILL_FAILED("the latest deletion drill of this candidate did not confirm deletion on every tier"),
    DELETION_DRILL_STALE("the latest confirmed deletion drill of this candidate is older than decision.deletion.drill.max.age.days"),
    // a replay that cannot be trusted
    CAPACITY_MISMATCH("the candidate was replayed on another number of replicas than BYOC is priced at: its latency and capture are "
            + "not those of the priced deployment"),
    CAPACITY_UNKNOWN("the candidate's replica count was neither declared (--candidate-replicas) nor published in its scheduler's metrics, "
            + "so the tested capacity cannot be matched to the priced one"),
    NOT_DECISION_GRADE("the replay ran at a time scale other than 1, so it did not test the priced load: a smoke run cannot say MOVE"),
    CAPTURE_UNCONFIRMED("the candidate's responses reported more cached tokens than its runtime's own prefix-cache counters counted "
            + "(beyond the capture tolerance): the capture the decision would rest on is not confirmed"),
    PARTIAL_COVERAGE("the money was priced from less than one full week of captured traffic, which may miss the lane's quiet hours and "
            + "days; nobody accepted that (zumik replay --accept-partial-coverage, or the lane policy's acceptPartialCoverage), so it cannot say MOVE"),
    PARTIAL_COVERAGE_ACCEPTED("priced from less than one full week of captured traffic, which a person accepted (recorded in the verdict's demand)"),
    SCHEDULE_LAG("the replay fell behind its schedule, so its latencies cannot be trusted"),
    BASELINE_ERRORS("too many baseline requests failed"),
    CANDIDATE_ERRORS("too many candidate requests failed"),
    CANDIDATE_UNREACHABLE("no request reached the candidate"),
    BASELINE_UNREACHABLE("no request reached the managed baseline"),
    EMPTY_WINDOW("no requests of the lane arrived in the window"),
    WINDOW_TRUNCATED_BY_RETENTION("part of the window had already been deleted from the shape topic");

    private final String meaning;

    ReasonCode(final String meaning) {
        this.meaning = meaning;
    }

    public String meaning() {
        return meaning;
    }

    public static Optional<ReasonCode> of(final String code) {
        return Arrays.stream(values()).filter(c -> c.name().equals(code)).findFirst();
    }

    /** The code's meaning, or the code itself when this build does not know it (a newer producer's). */
    public static String explain(final String code) {
        return of(code).map(ReasonCode::meaning).orElse(code);
    }
}
