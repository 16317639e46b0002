package dev.zumik.cli;

import dev.zumik.core.cost.ByocProfile;
import dev.zumik.core.cost.PriceTable;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code zumik profile validate FILE...}: checks BYOC profiles, including the one-scheduler-owner rule. */
@Command(name = "profile", description = "Check BYOC profiles: profile validate FILE...", subcommands = ProfileCommand.Validate.class)
final class ProfileCommand {

    @Command(name = "validate", description = {"Check BYOC profile files: every field, tier capacities, and that exactly one "
            + "component owns replica selection (e.g. not both the Dynamo router and the Gateway API Inference Extension)."})
    static final class Validate implements Callable<Integer> {
        @Spec CommandSpec spec;

        @Parameters(paramLabel = "FILE", arity = "1..*", description = "Profile YAML files.")
        List<Path> files;

        @Override
        public Integer call() {
            final PrintWriter out = spec.commandLine().getOut();
            final PriceTable prices = PriceTable.defaults();
            for (final Path file : files) {
                final ByocProfile profile;
                try {
                    profile = ByocProfile.read(Values.readableFile("profile", file));
                    profile.gpuUsdPerHour(prices);
                } catch (final IllegalArgumentException e) {
                    throw ZumikException.failure(e.getMessage());
                }
                out.printf("%s: ok (%s; replicas picked by %s; %d GPUs per replica; tiers %s)%n", file, profile.name(),
                        profile.replicaSelection().get(0), profile.gpu().perReplica(),
                        String.join(" -> ", profile.tiers().stream().map(t -> t.name() + " " + profile.capacityTokens(t) + " tokens").toList()));
            }
            out.flush();
            return 0;
        }
    }
}
