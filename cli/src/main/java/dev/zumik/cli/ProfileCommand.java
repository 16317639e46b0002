package dev.zumik.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.zumik.byoc.DeploymentCheck;
import dev.zumik.byoc.Manifest;
import dev.zumik.byoc.ManifestValidator;
import dev.zumik.byoc.SchedulerCheck;
import dev.zumik.byoc.render.RenderRequest;
import dev.zumik.byoc.render.Renderer;
import dev.zumik.core.config.YamlConfig;
import dev.zumik.core.cost.ByocProfile;
import dev.zumik.core.cost.PriceTable;
import dev.zumik.core.decision.Isolation;
import dev.zumik.schemas.topics.Lanes;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code zumik profile validate}: checks BYOC profiles (every field, one scheduler owner) and renders each into its
 * Kubernetes manifests, validated strictly against the pinned upstream schemas; {@code zumik profile render}: writes
 * those manifests, sized like a verdict, with a README and the profile they deliver.
 */
@Command(name = "profile", description = "Check BYOC profiles and turn them into deployments: profile validate FILE..., profile render PROFILE --lane L --out DIR.",
        subcommands = {ProfileCommand.Validate.class, ProfileCommand.Render.class})
final class ProfileCommand {
    static final String DEFAULT_NAMESPACE = "zumik-byoc";
    static final String DEFAULT_GATEWAY = "zumik-gateway/inference-gateway";

    @Command(name = "validate", description = {"Check BYOC profiles (a shipped name or a file): every field, tier capacities, and that exactly one "
            + "component owns replica selection; a profile with a deploy section is also rendered, every document validated strictly against "
            + "the pinned upstream schemas (unknown fields are errors, as kubectl --validate=strict), and its rendered request path must hold "
            + "exactly the one replica picker the profile names.",
        "%nWith --manifests, check edited or hand-written manifests the same way (and, with one profile, its one-scheduler rule)."})
    static final class Validate implements Callable<Integer> {
        @Spec CommandSpec spec;

        @Parameters(paramLabel = "PROFILE", arity = "0..*", description = "Profile YAML files or shipped names (dynamo, k8s-portable).")
        List<String> profiles = new ArrayList<>();

        @Option(names = "--manifests", paramLabel = "FILE", description = "Kubernetes manifests (multi-document YAML) to validate (repeatable).")
        List<Path> manifests = new ArrayList<>();

        @Override
        public Integer call() {
            if (profiles.isEmpty() && manifests.isEmpty()) {
                throw ZumikException.usage("give profile files (or shipped names), or --manifests FILE");
            }
            final PrintWriter out = spec.commandLine().getOut();
            final PriceTable prices = PriceTable.defaults();
            final ManifestValidator validator = new ManifestValidator();
            final List<String> problems = new ArrayList<>();
            final List<ByocProfile> read = new ArrayList<>();
            for (final String name : profiles) {
                final ByocProfile profile;
                try {
                    profile = Values.byocProfile("profile", name);
                    profile.gpuUsdPerHour(prices);
                } catch (final IllegalArgumentException e) {
                    throw ZumikException.failure(e.getMessage());
                }
                read.add(profile);
                final String summary = String.format("%s: ok (%s; replicas picked by %s; %d GPUs per replica; tiers %s)", name, profile.name(),
                        profile.replicaSelection().get(0), profile.gpu().perReplica(),
                        String.join(" -> ", profile.tiers().stream().map(t -> t.name() + " " + profile.capacityTokens(t) + " tokens").toList()));
                if (profile.deploy() == null) {
                    out.println(summary + "; no deploy section, so nothing rendered");
                    continue;
                }
                final List<Manifest> docs;
                try {
                    docs = rendered(profile, Math.max(1, profile.minReplicas()));
                } catch (final IllegalArgumentException e) {
                    problems.add(name + ": " + e.getMessage());
                    continue;
                }
                final List<String> found = DeploymentCheck.problems(profile, docs, validator);
                found.forEach(p -> problems.add(name + ": " + p));
                if (found.isEmpty()) {
                    out.println(summary + "; rendered " + docs.size() + " documents (" + String.join(", ", docs.stream().map(Manifest::kind).distinct().toList())
                            + "), each valid against its pinned schema, one replica picker: " + profile.replicaSelection().get(0));
                }
            }
            for (final Path file : manifests) {
                final List<Manifest> docs = readManifests(file);
                final List<ManifestValidator.Result> results = validator.validate(docs);
                results.forEach(r -> r.errors().forEach(e -> problems.add(r.manifest().where() + " " + e)));
                if (read.size() == 1) {
                    DeploymentCheck.schedulerProblems(read.get(0), docs).forEach(p -> problems.add(file + ": " + p));
                }
                final long valid = results.stream().filter(ManifestValidator.Result::valid).count();
                final List<SchedulerCheck.Picker> pickers = SchedulerCheck.pickers(docs);
                final int notEvaluated = results.stream().mapToInt(r -> r.rulesNotEvaluated().size()).sum();
                out.println(file + ": " + valid + " of " + docs.size() + " documents valid; replica pickers: "
                        + (pickers.isEmpty() ? "none" : String.join(", ", pickers.stream().map(SchedulerCheck.Picker::name).toList()))
                        + (notEvaluated > 0 ? "; " + notEvaluated + " CEL rule(s) use functions CEL-Java lacks and were not evaluated" : ""));
            }
            out.flush();
            if (!problems.isEmpty()) {
                final PrintWriter err = spec.commandLine().getErr();
                problems.forEach(p -> err.println("  " + p));
                err.flush();
                throw ZumikException.failure(problems.size() + " problem(s) above");
            }
            return 0;
        }
    }

    @Command(name = "render", description = {"Write the Kubernetes manifests of a BYOC profile for a lane, sized like the verdict: manifests.yaml "
            + "(validated strictly against the pinned upstream schemas, one replica picker), README.md (what to install first, how to replay and "
            + "drill it) and profile.yaml (the profile with the rendered endpoint and the isolation the render delivers).",
        "%ndynamo: a Dynamo DynamoGraphDeployment (KV router, SGLang workers with HiCache and a Mooncake store), a Mooncake master, an AIBrix "
            + "PodAutoscaler; k8s-portable: a KServe LLMInferenceService with llm-d's endpoint picker. Both: network policies and region affinity "
            + "from the profile's capabilities. Nothing is written unless all of it holds."})
    static final class Render implements Callable<Integer> {
        @Spec CommandSpec spec;

        @Parameters(index = "0", paramLabel = "PROFILE", description = "dynamo, k8s-portable or a profile file.")
        String profile;

        @Option(names = "--lane", paramLabel = "PROVIDER/MODEL/ROUTE", required = true, description = "The lane the deployment serves.")
        String lane;

        @ArgGroup(exclusive = true, multiplicity = "1")
        Sizing sizing;

        static final class Sizing {
            @Option(names = "--replicas", paramLabel = "N", description = "Replicas to run at the busiest hour.")
            Integer replicas;

            @Option(names = "--from-verdict", paramLabel = "FILE", description = "A verdict's report.json (or its verdict.dsse.json): "
                    + "the replicas its busiest priced hour needs, for its lane and profile.")
            Path verdict;
        }

        @Option(names = "--namespace", paramLabel = "NS", defaultValue = DEFAULT_NAMESPACE, description = "Namespace (default ${DEFAULT-VALUE}).")
        String namespace;

        @Option(names = "--name", paramLabel = "NAME", description = "The deployment's name (default: the profile's).")
        String name;

        @Option(names = "--gateway", paramLabel = "NS/NAME", defaultValue = DEFAULT_GATEWAY,
                description = "The Gateway the route attaches to and the network policy admits (default ${DEFAULT-VALUE}).")
        String gateway;

        @Option(names = "--region", paramLabel = "REGION", description = "Pin every pod to this topology.kubernetes.io/region (and declare region:REGION).")
        String region;

        @Option(names = "--out", paramLabel = "DIR", required = true, description = "Where manifests.yaml, README.md and profile.yaml go.")
        Path out;

        @Override
        public Integer call() {
            final ByocProfile byoc;
            try {
                byoc = Values.byocProfile(null, profile);
            } catch (final IllegalArgumentException e) {
                throw ZumikException.usage(e.getMessage());
            }
            try {
                Lanes.parse(lane);
            } catch (final IllegalArgumentException e) {
                throw ZumikException.usage("--lane: " + e.getMessage());
            }
            final String deployment = name != null ? name : byoc.name();
            dnsLabel("--name", deployment);
            dnsLabel("--namespace", namespace);
            final String[] gw = gateway.split("/", -1);
            if (gw.length != 2) {
                throw ZumikException.usage("--gateway must be NAMESPACE/NAME, got '" + gateway + "'");
            }
            dnsLabel("--gateway namespace", gw[0]);
            dnsLabel("--gateway name", gw[1]);
            if (region != null && !region.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?")) {
                throw ZumikException.usage("--region must be a region name such as eu-west-1, got '" + region + "'");
            }
            final int replicas;
            final String sizedFrom;
            if (sizing.replicas != null) {
                if (sizing.replicas < 1) {
                    throw ZumikException.usage("--replicas must be >= 1, got " + sizing.replicas);
                }
                replicas = sizing.replicas;
                sizedFrom = "--replicas " + replicas;
            } else {
                final JsonNode report = verdict(sizing.verdict);
                if (!byoc.name().equals(report.path("profile").asText())) {
                    throw ZumikException.usage("--from-verdict " + sizing.verdict + " is a verdict on profile " + report.path("profile").asText()
                            + ", not " + byoc.name());
                }
                if (!lane.equals(report.path("lane").asText())) {
                    throw ZumikException.usage("--from-verdict " + sizing.verdict + " is a verdict on lane " + report.path("lane").asText() + ", not " + lane);
                }
                final JsonNode sized = report.path("candidate").path("sizing");
                replicas = sized.path("peakReplicas").asInt(0);
                if (replicas < 1) {
                    throw ZumikException.usage("--from-verdict " + sizing.verdict + ": its candidate.sizing has no peakReplicas");
                }
                sizedFrom = String.format("verdict %s (%s %s): %d replicas at its busiest priced hour, %d for the replayed window's hours",
                        report.path("requestId").asText(), report.path("decision").asText(), String.join(",", texts(report.path("reasons"))),
                        replicas, sized.path("windowReplicas").asInt());
            }
            final Renderer.Rendered rendered;
            final String manifests;
            final List<String> problems;
            try {
                rendered = Renderer.render(new RenderRequest(byoc, lane, replicas, byoc.minReplicas(), deployment, namespace, gw[0], gw[1], region, sizedFrom));
                // validated as written: the YAML a person applies is the YAML checked
                manifests = Manifest.write(rendered.documents());
                final List<Manifest> docs = Manifest.read("manifests.yaml", manifests);
                problems = DeploymentCheck.problems(byoc, docs, new ManifestValidator());
            } catch (final IllegalArgumentException e) {
                throw ZumikException.usage(e.getMessage());
            }
            if (!problems.isEmpty()) {
                throw ZumikException.usage(String.join("; ", problems) + " (nothing written)");
            }
            // everything held: only now is anything written
            final Path dir = Values.writableDir("--out", out);
            try {
                Files.writeString(dir.resolve("manifests.yaml"), manifests, StandardCharsets.UTF_8);
                Files.writeString(dir.resolve("README.md"), rendered.readme(), StandardCharsets.UTF_8);
                Files.writeString(dir.resolve("profile.yaml"), deliveredProfile(byoc, rendered.candidateUrl(), region), StandardCharsets.UTF_8);
            } catch (final IOException e) {
                throw ZumikException.failure("cannot write to " + dir + ": " + e.getMessage());
            }
            final PrintWriter printer = spec.commandLine().getOut();
            printer.println("Rendered " + rendered.documents().size() + " documents of " + byoc.name() + " for " + lane + " at " + replicas
                    + " replica(s) (" + String.join(", ", rendered.documents().stream().map(d -> d.path("kind").asText()).distinct().toList())
                    + "), each valid against its pinned schema, one replica picker (" + byoc.replicaSelection().get(0) + "): "
                    + dir.resolve("manifests.yaml") + "; what to install first: " + dir.resolve("README.md"));
            printer.flush();
            return 0;
        }

        /** The profile the render delivers: its endpoint, and the region it pins when --region was given. */
        private static String deliveredProfile(final ByocProfile byoc, final String candidateUrl, final String region) {
            final List<String> capabilities = new ArrayList<>(byoc.capabilities());
            if (region != null && !capabilities.contains(Isolation.REGION_PREFIX + region)) {
                capabilities.add(Isolation.REGION_PREFIX + region);
            }
            final ByocProfile delivered = new ByocProfile(byoc.name(), byoc.description(), byoc.stack(), byoc.replicaSelection(),
                    new ByocProfile.Endpoint(candidateUrl.contains("<") ? byoc.endpoint().url() : candidateUrl, byoc.endpoint().dialect()),
                    byoc.gpu(), byoc.model(), byoc.tiers(), byoc.throughput(), byoc.headroom(), byoc.minReplicas(), byoc.opsMonthlyUsd(),
                    capabilities, byoc.scaling(), byoc.scaleUpLeadMinutes(), byoc.deploy());
            try {
                return "# Written by zumik profile render: the " + byoc.name() + " profile as rendered (endpoint, isolation delivered).\n"
                        + YamlConfig.write(delivered);
            } catch (final RuntimeException e) {
                throw ZumikException.failure("cannot write the profile: " + e.getMessage());
            }
        }

        private static JsonNode verdict(final Path file) {
            final JsonNode node;
            try {
                node = new ObjectMapper().readTree(Files.readString(Values.readableFile("--from-verdict", file)));
            } catch (final IOException e) {
                throw ZumikException.usage("--from-verdict " + file + ": not JSON (" + e.getMessage().split("\n")[0] + ")");
            }
            if (node.has("payload") && node.has("signatures")) {
                // a DSSE envelope: its statement's predicate is the report
                try {
                    return new ObjectMapper().readTree(Base64.getDecoder().decode(node.path("payload").asText())).path("predicate");
                } catch (final IOException | IllegalArgumentException e) {
                    throw ZumikException.usage("--from-verdict " + file + ": its payload is not a statement");
                }
            }
            if (!node.has("lane") || !node.has("candidate")) {
                throw ZumikException.usage("--from-verdict " + file + ": not a verdict report (report.json) or envelope (verdict.dsse.json)");
            }
            return node;
        }

        private static List<String> texts(final JsonNode array) {
            final List<String> out = new ArrayList<>();
            array.forEach(n -> out.add(n.asText()));
            return out;
        }

        private static void dnsLabel(final String flag, final String value) {
            if (!value.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?") || value.length() > 63) {
                throw ZumikException.usage(flag + " must be a DNS label (lowercase letters, digits and '-', at most 63), got '" + value + "'");
            }
        }
    }

    /** The profile rendered at {@code replicas} with the defaults, as validate checks it. */
    static List<Manifest> rendered(final ByocProfile profile, final int replicas) {
        final String[] gw = DEFAULT_GATEWAY.split("/");
        final Renderer.Rendered r = Renderer.render(new RenderRequest(profile, "openai/gpt-4.1/chat", replicas, profile.minReplicas(), profile.name(),
                DEFAULT_NAMESPACE, gw[0], gw[1], null, "profile validate at " + replicas + " replica(s)"));
        return Manifest.read(profile.name() + " render", Manifest.write(r.documents()));
    }

    private static List<Manifest> readManifests(final Path file) {
        try {
            return Manifest.read(file.toString(), Files.readString(Values.readableFile("--manifests", file)));
        } catch (final IOException e) {
            throw ZumikException.failure("cannot read " + file + ": " + e.getMessage());
        } catch (final IllegalArgumentException e) {
            throw ZumikException.failure(e.getMessage());
        }
    }
}
