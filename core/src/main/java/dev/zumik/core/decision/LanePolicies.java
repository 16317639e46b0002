package dev.zumik.core.decision;

import dev.zumik.core.config.YamlConfig;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.List;

/**
 * What each lane requires, declared by its owners: latency SLOs, whether it is interactive (else the
 * batch tier is a lever), isolation and purge requirements, and a cheaper model it may be routed to.
 * The first rule whose glob matches the lane key ({@code provider/model/route}) applies; else the defaults.
 */
public record LanePolicies(Policy defaults, List<Rule> lanes) {

    /**
     * @param isolation declared requirements that a managed API cannot meet for this lane, e.g.
     *                  private-networking, regional-pinning, confirmed-deletion
     */
    public record Policy(Boolean interactive, Double ttftP99SloMs, Double e2eP99SloMs, List<String> isolation, String aliasTo) { }

    public record Rule(String match, Boolean interactive, Double ttftP99SloMs, Double e2eP99SloMs, List<String> isolation, String aliasTo) { }

    public static LanePolicies none() {
        return new LanePolicies(new Policy(true, null, null, List.of(), null), List.of());
    }

    public static LanePolicies read(final Path file) {
        final LanePolicies p = YamlConfig.read(file, LanePolicies.class);
        final List<Rule> rules = p.lanes() == null ? List.of() : p.lanes();
        for (int i = 0; i < rules.size(); i++) {
            if (rules.get(i).match() == null || rules.get(i).match().isBlank()) {
                throw new IllegalArgumentException(file + ": lanes[" + i + "].match: a glob on provider/model/route is required");
            }
        }
        return new LanePolicies(p.defaults() == null ? none().defaults() : p.defaults(), rules);
    }

    /** The policy of a lane: the first matching rule's fields over the defaults. */
    public Policy forLane(final String laneKey) {
        final Policy d = defaults;
        for (final Rule rule : lanes) {
            final PathMatcher glob = FileSystems.getDefault().getPathMatcher("glob:" + rule.match());
            if (glob.matches(Path.of(laneKey))) {
                return new Policy(rule.interactive() != null ? rule.interactive() : d.interactive(),
                        rule.ttftP99SloMs() != null ? rule.ttftP99SloMs() : d.ttftP99SloMs(),
                        rule.e2eP99SloMs() != null ? rule.e2eP99SloMs() : d.e2eP99SloMs(),
                        rule.isolation() != null ? rule.isolation() : d.isolation(),
                        rule.aliasTo() != null ? rule.aliasTo() : d.aliasTo());
            }
        }
        return d;
    }
}
