package dev.zumik.core.decision;

import dev.zumik.core.config.YamlConfig;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.List;

/**
 * What each lane requires, declared by its owners: latency SLOs and the share of requests that must
 * meet them, whether it is interactive (else the batch tier is a lever), isolation and purge
 * requirements, the premium over managed it accepts for them, and a cheaper model it may be routed to.
 * The first rule whose glob matches the lane key ({@code provider/model/route}) applies; else the defaults.
 */
public record LanePolicies(Policy defaults, List<Rule> lanes) {

    /**
     * @param isolation          requirements from the closed set of {@link Isolation}
     * @param acceptedPremiumPct how much more than managed the lane pays for its SLO or isolation, percent (null: the decision setting)
     * @param sloTarget          share of requests that must meet the SLOs (null: the decision setting)
     * @param priorityTierTried  the managed priority tier was tried and still misses the SLO, so it is not offered first
     * @param acceptPartialCoverage the lane's owners accept a verdict priced from less than one full week of captured
     *                           traffic (recorded in the verdict); without it such a verdict cannot be MOVE
     */
    public record Policy(Boolean interactive, Double ttftP99SloMs, Double e2eP99SloMs, List<String> isolation, String aliasTo,
                         Double acceptedPremiumPct, Double sloTarget, Boolean priorityTierTried, Boolean acceptPartialCoverage) {

        public Policy {
            isolation = isolation == null ? List.of() : List.copyOf(isolation);
        }

        /** Interactive, nothing declared. */
        public static Policy none() {
            return new Policy(true, null, null, List.of(), null, null, null, null, null);
        }

        public boolean acceptsPartialCoverage() {
            return Boolean.TRUE.equals(acceptPartialCoverage);
        }

        /** The premium over managed this lane accepts for its SLO or isolation, percent: its own, else the decision setting. */
        public double acceptedPremiumPct(final DecisionSettings d) {
            return acceptedPremiumPct != null ? acceptedPremiumPct : d.acceptedPremiumPct();
        }

        /** The share of requests that must meet this lane's SLOs: its own, else the decision setting. */
        public double sloTarget(final DecisionSettings d) {
            return sloTarget != null ? sloTarget : d.sloTarget();
        }

        public boolean declaresSlo() {
            return ttftP99SloMs != null || e2eP99SloMs != null;
        }

        /** This policy with the SLOs given for one replay ({@code --slo}) in place of the declared ones, where given. */
        public Policy withSlo(final Double ttftMs, final Double e2eMs) {
            return new Policy(interactive, ttftMs != null ? ttftMs : ttftP99SloMs, e2eMs != null ? e2eMs : e2eP99SloMs, isolation, aliasTo,
                    acceptedPremiumPct, sloTarget, priorityTierTried, acceptPartialCoverage);
        }

        void validate(final String where) {
            for (final String word : isolation) {
                try {
                    Isolation.check(word);
                } catch (final IllegalArgumentException e) {
                    throw new IllegalArgumentException(where + ": isolation: " + e.getMessage());
                }
            }
            if (acceptedPremiumPct != null && !(acceptedPremiumPct >= 0 && Double.isFinite(acceptedPremiumPct))) {
                throw new IllegalArgumentException(where + ": acceptedPremiumPct must be >= 0, got " + acceptedPremiumPct);
            }
            if (sloTarget != null && !(sloTarget > 0 && sloTarget <= 1)) {
                throw new IllegalArgumentException(where + ": sloTarget must be in (0, 1], got " + sloTarget);
            }
            for (final Double slo : new Double[] {ttftP99SloMs, e2eP99SloMs}) {
                if (slo != null && !(slo > 0)) {
                    throw new IllegalArgumentException(where + ": SLOs must be > 0 ms, got " + slo);
                }
            }
        }
    }

    public record Rule(String match, Boolean interactive, Double ttftP99SloMs, Double e2eP99SloMs, List<String> isolation, String aliasTo,
                       Double acceptedPremiumPct, Double sloTarget, Boolean priorityTierTried, Boolean acceptPartialCoverage) {

        Policy asPolicy() {
            return new Policy(interactive, ttftP99SloMs, e2eP99SloMs, isolation, aliasTo, acceptedPremiumPct, sloTarget, priorityTierTried,
                    acceptPartialCoverage);
        }
    }

    public static LanePolicies none() {
        return new LanePolicies(Policy.none(), List.of());
    }

    /** Reads and checks a lanes file; a mistake is an IllegalArgumentException naming the file, the lane rule and the value. */
    public static LanePolicies read(final Path file) {
        final LanePolicies p = YamlConfig.read(file, LanePolicies.class);
        final List<Rule> rules = p.lanes() == null ? List.of() : p.lanes();
        for (int i = 0; i < rules.size(); i++) {
            final Rule rule = rules.get(i);
            if (rule.match() == null || rule.match().isBlank()) {
                throw new IllegalArgumentException(file + ": lanes[" + i + "].match: a glob on provider/model/route is required");
            }
            rule.asPolicy().validate(file + ": lanes[" + i + "] (" + rule.match() + ")");
        }
        final Policy defaults = p.defaults() == null ? Policy.none() : p.defaults();
        defaults.validate(file + ": defaults");
        return new LanePolicies(defaults, rules);
    }

    /** The policy of a lane: the first matching rule's fields over the defaults. */
    public Policy forLane(final String laneKey) {
        final Policy d = defaults;
        for (final Rule rule : lanes) {
            final PathMatcher glob = FileSystems.getDefault().getPathMatcher("glob:" + rule.match());
            if (glob.matches(Path.of(laneKey))) {
                return new Policy(or(rule.interactive(), d.interactive()), or(rule.ttftP99SloMs(), d.ttftP99SloMs()),
                        or(rule.e2eP99SloMs(), d.e2eP99SloMs()), or(rule.isolation(), d.isolation()), or(rule.aliasTo(), d.aliasTo()),
                        or(rule.acceptedPremiumPct(), d.acceptedPremiumPct()), or(rule.sloTarget(), d.sloTarget()),
                        or(rule.priorityTierTried(), d.priorityTierTried()), or(rule.acceptPartialCoverage(), d.acceptPartialCoverage()));
            }
        }
        return d;
    }

    private static <T> T or(final T value, final T fallback) {
        return value != null ? value : fallback;
    }
}
