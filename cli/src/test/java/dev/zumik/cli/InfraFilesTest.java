package dev.zumik.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.zumik.capture.proxy.CaptureSettings;
import dev.zumik.core.cost.ByocProfile;
import dev.zumik.core.decision.LanePolicies;
import dev.zumik.schemas.config.ClientSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every deployment file under infra/ parses, the Kubernetes objects hang together, and the shipped profiles validate. */
class InfraFilesTest {
    private static final Path INFRA = Path.of("../infra");
    private static final YAMLMapper YAML = new YAMLMapper();

    @Test
    void shouldParseEveryYamlAndJsonFile() throws IOException {
        final List<Path> files = files(INFRA, ".yaml", ".yml", ".json");
        assertThat(files).hasSizeGreaterThan(10);
        for (final Path file : files) {
            if (file.toString().endsWith(".json")) {
                assertThat(new ObjectMapper().readTree(file.toFile())).as(file.toString()).isNotNull();
            } else {
                assertThat(documents(file)).as(file.toString()).isNotEmpty().allMatch(JsonNode::isObject);
            }
        }
    }

    @Test
    void shouldGiveEveryKubernetesObjectItsIdentityAndReferenceOnlyConfigThatExists() throws IOException {
        final Set<String> defined = new HashSet<>();
        final List<String[]> referenced = new ArrayList<>();
        for (final Path file : files(INFRA.resolve("k8s"), ".yaml")) {
            if (file.endsWith("kustomization.yaml")) {
                continue; // kustomize's own file, not an API object
            }
            for (final JsonNode doc : documents(file)) {
                assertThat(doc.path("apiVersion").asText()).as(file + ": apiVersion").isNotBlank();
                assertThat(doc.path("kind").asText()).as(file + ": kind").isNotBlank();
                assertThat(doc.path("metadata").path("name").asText()).as(file + ": metadata.name").isNotBlank();
                defined.add(doc.path("kind").asText() + "/" + doc.path("metadata").path("name").asText());
                walk(doc, (key, node) -> {
                    if (key.equals("configMap") && node.has("name")) {
                        referenced.add(new String[] {file.toString(), "ConfigMap/" + node.path("name").asText()});
                    } else if (key.equals("secret") && node.has("secretName")) {
                        referenced.add(new String[] {file.toString(), "Secret/" + node.path("secretName").asText()});
                    } else if (key.equals("secretKeyRef")) {
                        referenced.add(new String[] {file.toString(), "Secret/" + node.path("name").asText()});
                    } else if (key.equals("persistentVolumeClaim")) {
                        referenced.add(new String[] {file.toString(), "PersistentVolumeClaim/" + node.path("claimName").asText()});
                    }
                });
            }
        }
        assertThat(referenced).isNotEmpty();
        for (final String[] ref : referenced) {
            assertThat(defined).as(ref[0] + " references " + ref[1]).contains(ref[1]);
        }
        assertThat(defined).contains("Kafka/zumik", "KafkaNodePool/dual-role", "StatefulSet/zumik-streams", "Deployment/zumik-capture",
                "Deployment/zumik-replay-worker", "KafkaTopic/zumik-shapes", "KafkaTopic/zumik-verdicts");
        final JsonNode kustomization = documents(INFRA.resolve("k8s/kustomization.yaml")).get(0);
        kustomization.path("resources").forEach(r -> assertThat(INFRA.resolve("k8s").resolve(r.asText())).exists());
    }

    @Test
    void shouldShipProfilesThatValidateAndAreTheJarDefaults() throws IOException {
        for (final String name : ByocProfile.SHIPPED) {
            final ByocProfile file = ByocProfile.read(INFRA.resolve("profiles").resolve(name + ".yaml"));
            assertThat(file).isEqualTo(ByocProfile.shipped(name));
            assertThat(file.replicaSelection()).hasSize(1);
            final ZumikCommandTest.Run run = ZumikCommandTest.run("profile", "validate", INFRA.resolve("profiles").resolve(name + ".yaml").toString());
            assertThat(run.exitCode()).as(run.err()).isZero();
        }
    }

    @Test
    void shouldGiveClientSettingsTheComponentsCanRead() throws IOException {
        final ClientSettings local = ClientSettings.resolve(Map.of(), INFRA.resolve("local/zumik.properties"), Map.of());
        assertThat(local.bootstrapServers()).isEqualTo("127.0.0.1:9092");
        final Path fromConfigMap = Files.createTempFile("zumik", ".properties");
        Files.writeString(fromConfigMap, documents(INFRA.resolve("k8s/config.yaml")).get(0).path("data").path("zumik.properties").asText());
        final ClientSettings inCluster = ClientSettings.resolve(Map.of(), fromConfigMap, Map.of());
        assertThat(inCluster.bootstrapServers()).isEqualTo("zumik-kafka-bootstrap.zumik.svc:9092");
        // every key of the shipped settings is one Zumik knows (a typo would be refused at start)
        for (final ClientSettings settings : List.of(local, inCluster)) {
            assertThat(settings.sources().keySet()).allSatisfy(key -> assertThat(SettingKeys.problem(key)).as(key).isNull());
        }
        final Path lanes = Files.createTempFile("lanes", ".yaml");
        Files.writeString(lanes, documents(INFRA.resolve("k8s/config.yaml")).get(0).path("data").path("lanes.yaml").asText());
        assertThat(LanePolicies.read(lanes).defaults().ttftP99SloMs()).isEqualTo(3000.0);
    }

    @Test
    void shouldCopyIntoTheImageTheLibrariesTheJarsManifestNames() throws IOException {
        // given the cli jar's manifest, which names its dependencies as lib/NAME.jar beside it
        final String pom = Files.readString(Path.of("pom.xml"));
        assertThat(pom).contains("<classpathPrefix>lib/</classpathPrefix>");

        // when the image is built from the Dockerfile
        final List<String> copies = Files.readAllLines(INFRA.resolve("compose/Dockerfile")).stream()
                .filter(line -> line.startsWith("COPY ")).toList();

        // then the jar and its lib/ directory land side by side, so `java -jar` finds every class
        assertThat(copies).contains("COPY cli/target/zumik.jar /opt/zumik/zumik.jar", "COPY cli/target/lib/ /opt/zumik/lib/");
    }

    /**
     * The capture agent's heap is fixed and G1 marks at a fixed occupancy (the launcher's comment says why); that is safe
     * only while what the agent holds by design, the body copies and the shape queue, stays well under the 45% at which
     * marking starts. Every way the agent is shipped starts it so.
     */
    @Test
    void shouldStartEveryCaptureAgentOnAFixedHeapItsBoundedMemoryStaysUnderAThirdOf() throws IOException {
        final String launcherOptions = Files.readAllLines(Path.of("../zumik")).stream()
                .filter(line -> line.startsWith("CAPTURE_JAVA_OPTS=")).findFirst().orElseThrow()
                .replaceFirst("^CAPTURE_JAVA_OPTS=\"(.*)\"$", "$1");
        assertThat(Files.readString(INFRA.resolve("compose/Dockerfile"))).contains("d='" + launcherOptions + "'");
        final Map<String, String> shipped = new LinkedHashMap<>();
        shipped.put("zumik launcher and container image", launcherOptions + " capture");
        for (final Path file : files(INFRA.resolve("k8s"), ".yaml")) {
            for (final JsonNode doc : documents(file)) {
                walk(doc, (key, node) -> {
                    if (key.equals("containers")) {
                        node.forEach(container -> captureCommand(container).ifPresent(c -> shipped.put(file.getFileName().toString(), c)));
                    }
                });
            }
        }
        assertThat(shipped).containsKeys("capture-sidecar.yaml", "capture-gateway.yaml");
        shipped.forEach((where, command) -> {
            final List<String> words = List.of(command.trim().split("\\s+"));
            final String xms = words.stream().filter(w -> w.startsWith("-Xms")).findFirst().orElse("none");
            final String xmx = words.stream().filter(w -> w.startsWith("-Xmx")).findFirst().orElse("none");
            assertThat(xms.substring(4)).as(where + ": -Xms equals -Xmx").isEqualTo(xmx.substring(4));
            assertThat(words).as(where).contains("-XX:+UseG1GC", "-XX:-G1UseAdaptiveIHOP");
            final long heap = Values.bytes("-Xmx", xmx.substring(4));
            final long held = flagBytes(words, "--shaping-backlog", CaptureSettings.DEFAULT_SHAPING_BACKLOG_BYTES)
                    + flagBytes(words, "--queue-bytes", CaptureSettings.DEFAULT_QUEUE_BYTES);
            assertThat(held).as(where + ": body copies and shape queue against a third of the heap").isLessThanOrEqualTo(heap / 3 + (1 << 20));
        });
    }

    /** A container's ZUMIK_JAVA_OPTS and arguments as one command line, when it runs {@code zumik capture}. */
    private static Optional<String> captureCommand(final JsonNode container) {
        if (!container.path("args").path(0).asText().equals("capture")) {
            return Optional.empty();
        }
        final StringBuilder command = new StringBuilder();
        container.path("env").forEach(e -> {
            if (e.path("name").asText().equals("ZUMIK_JAVA_OPTS")) {
                command.append(e.path("value").asText());
            }
        });
        container.path("args").forEach(a -> command.append(' ').append(a.asText()));
        return Optional.of(command.toString());
    }

    private static long flagBytes(final List<String> words, final String flag, final long byDefault) {
        final int at = words.indexOf(flag);
        return at >= 0 ? Values.bytes(flag, words.get(at + 1)) : byDefault;
    }

    private static List<JsonNode> documents(final Path file) throws IOException {
        final List<JsonNode> docs = new ArrayList<>();
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
            while (it.hasNext()) {
                final JsonNode doc = it.next();
                if (doc != null && !doc.isNull() && !doc.isMissingNode()) {
                    docs.add(doc);
                }
            }
        }
        return docs;
    }

    private static void walk(final JsonNode node, final BiConsumer<String, JsonNode> visit) {
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> {
                visit.accept(e.getKey(), e.getValue());
                walk(e.getValue(), visit);
            });
        } else if (node.isArray()) {
            node.forEach(child -> walk(child, visit));
        }
    }

    private static List<Path> files(final Path dir, final String... suffixes) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).filter(p -> Stream.of(suffixes).anyMatch(s -> p.toString().endsWith(s))).sorted().toList();
        }
    }
}
