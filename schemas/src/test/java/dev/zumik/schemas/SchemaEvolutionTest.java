package dev.zumik.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import dev.zumik.schemas.avro.DeadLetter;
import dev.zumik.schemas.avro.LaneDiagnosis;
import dev.zumik.schemas.avro.LaneWindowStats;
import dev.zumik.schemas.avro.ReplayRequest;
import dev.zumik.schemas.avro.RequestShape;
import dev.zumik.schemas.avro.Verdict;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every topic schema must stay BACKWARD compatible with each released version: a consumer on the
 * current schema reads what any released producer wrote. Released schemas are frozen copies under
 * {@code src/test/resources/released/v<N>/}; add a directory when a version ships.
 */
class SchemaEvolutionTest {

    static List<Schema> currentSchemas() {
        return List.of(RequestShape.getClassSchema(), LaneWindowStats.getClassSchema(), LaneDiagnosis.getClassSchema(),
                ReplayRequest.getClassSchema(), Verdict.getClassSchema(), DeadLetter.getClassSchema());
    }

    @ParameterizedTest
    @MethodSource("currentSchemas")
    void shouldReadEveryReleasedVersionWithTheCurrentSchema(final Schema current) throws IOException {
        // given
        final Schema released = released("v1", current.getName());

        // when
        final SchemaCompatibility.SchemaPairCompatibility result =
                SchemaCompatibility.checkReaderWriterCompatibility(current, released);

        // then
        assertThat(result.getType())
                .as("%s must read data written with released v1: %s", current.getName(), result.getDescription())
                .isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
    }

    @ParameterizedTest
    @MethodSource("currentSchemas")
    void shouldRejectAReleasedSchemaThatDropsADefaultlessField(final Schema current) throws IOException {
        // given: a "new" schema that adds a required field without a default to the released one
        final Schema released = released("v1", current.getName());
        final String json = released.toString().replaceFirst("\"fields\":\\[",
                "\"fields\":[{\"name\":\"addedWithoutDefault\",\"type\":\"string\"},");
        final Schema.Parser parser = new Schema.Parser();
        parser.parse(readReleased("v1", "Lane"));
        final Schema broken = parser.parse(json);

        // when
        final SchemaCompatibility.SchemaPairCompatibility result =
                SchemaCompatibility.checkReaderWriterCompatibility(broken, released);

        // then: the check this test relies on really catches a breaking change
        assertThat(result.getType()).isEqualTo(SchemaCompatibility.SchemaCompatibilityType.INCOMPATIBLE);
    }

    private static Schema released(final String version, final String name) throws IOException {
        final Schema.Parser parser = new Schema.Parser();
        parser.parse(readReleased(version, "Lane"));
        return "Lane".equals(name) ? parser.getTypes().get("dev.zumik.schemas.avro.Lane") : parser.parse(readReleased(version, name));
    }

    private static String readReleased(final String version, final String name) throws IOException {
        try (InputStream in = SchemaEvolutionTest.class.getResourceAsStream("/released/" + version + "/" + name + ".avsc")) {
            assertThat(in).as("released schema %s/%s.avsc", version, name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
