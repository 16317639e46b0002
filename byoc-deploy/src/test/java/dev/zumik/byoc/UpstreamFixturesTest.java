package dev.zumik.byoc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The pinned upstream examples in infra/byoc/examples against the pinned schemas: the valid ones pass, the known-bad one fails where it is bad. */
class UpstreamFixturesTest {
    private static final Path EXAMPLES = Path.of("../infra/byoc/examples");
    private static final ManifestValidator VALIDATOR = new ManifestValidator();

    static Stream<Path> validExamples() throws Exception {
        try (Stream<Path> files = Files.list(EXAMPLES)) {
            return files.filter(f -> !f.getFileName().toString().startsWith("negative-")).sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validExamples")
    void shouldAcceptEveryUpstreamExampleThatIsValid(final Path example) throws Exception {
        // when
        final List<ManifestValidator.Result> results = VALIDATOR.validate(Manifest.read(example.toString(), Files.readString(example)));
        // then
        assertThat(results).isNotEmpty();
        assertThat(results).allSatisfy(r -> assertThat(r.errors()).as(r.manifest().where()).isEmpty());
    }

    @Test
    void shouldRejectKServesOffloadingSampleAtTheFieldThatDoesNotExist() throws Exception {
        // given KServe's sample that puts kvCacheOffloading under spec.workload, a field the v1alpha2 CRD does not have
        final Path sample = EXAMPLES.resolve("negative-kserve-llm-inference-service-kv-cache-offloading.yaml");
        // when
        final List<ManifestValidator.Result> results = VALIDATOR.validate(Manifest.read(sample.toString(), Files.readString(sample)));
        // then exactly that field is named, as kubectl --validate=strict names it
        assertThat(results).hasSize(1);
        assertThat(results.get(0).errors()).containsExactly(".spec.workload: unknown field \"workload\"");
    }
}
