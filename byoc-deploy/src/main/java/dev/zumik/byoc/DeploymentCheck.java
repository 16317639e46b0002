package dev.zumik.byoc;

import dev.zumik.core.cost.ByocProfile;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything {@code zumik profile validate} requires of a profile's documents: each one valid against its pinned
 * schema, exactly one replica picker in the request path, and that picker the one the profile's replicaSelection names.
 */
public final class DeploymentCheck {
    private DeploymentCheck() { }

    /** The problems, each a line naming the document and the path; empty when the documents hold. */
    public static List<String> problems(final ByocProfile profile, final List<Manifest> documents, final ManifestValidator validator) {
        final List<String> problems = new ArrayList<>();
        for (final ManifestValidator.Result r : validator.validate(documents)) {
            r.errors().forEach(e -> problems.add(r.manifest().where() + " " + e));
        }
        problems.addAll(schedulerProblems(profile, documents));
        return problems;
    }

    /** One scheduler per path: exactly one picker, and the one the profile names. */
    public static List<String> schedulerProblems(final ByocProfile profile, final List<Manifest> documents) {
        final List<SchedulerCheck.Picker> pickers = SchedulerCheck.pickers(documents);
        if (pickers.size() != 1) {
            return List.of("one scheduler per path: " + (pickers.isEmpty() ? "no component picks replicas" : pickers.size()
                    + " components pick replicas: " + String.join("; ", pickers.stream().map(p -> p.name() + " at " + p.where()).toList())));
        }
        final String declared = profile.replicaSelection().get(0);
        if (!pickers.get(0).name().equals(declared)) {
            return List.of("replicaSelection: the profile says " + declared + ", but " + pickers.get(0).name() + " picks replicas at "
                    + pickers.get(0).where());
        }
        return List.of();
    }
}
