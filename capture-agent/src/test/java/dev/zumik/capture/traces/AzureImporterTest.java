package dev.zumik.capture.traces;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.zumik.capture.keys.TenantKeyStore;
import dev.zumik.schemas.avro.Lane;
import dev.zumik.schemas.avro.RequestShape;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AzureImporterTest {
    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    Path keys;

    private AzureImporter importer() {
        return new AzureImporter(new TraceImporter.Target(new Lane("azure", "gpt-4", "/v1/chat/completions"), "t", START,
                new TenantKeyStore(keys)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"2024-05-10 00:00:09.5", "2024-05-10 00:00:09.5000000", "2024-05-10T00:00:09.500",
            "2024-05-10 00:00:09.5+00:00", "2024-05-10 00:00:09.5Z", "2024-05-10 02:00:09.5+02:00", "2024-05-10 02:00:09.5+0200"})
    void shouldReadTheTimestampFormsOfTheReleasesAndTheirRewrites(final String timestamp) {
        // given: the first line sets the start; the second is 9.5 s later however it is written
        final AzureImporter importer = importer();
        importer.shape(2, "2024-05-10 00:00:00,100,10");

        // when
        final RequestShape shape = importer.shape(3, timestamp + ",4808,12");

        // then
        assertThat(shape.getArrivalTime()).isEqualTo(START.plusMillis(9_500));
        assertThat(shape.getPromptTokens()).isEqualTo(4808);
        assertThat(shape.getCompletionTokens()).isEqualTo(12);
    }

    @Test
    void shouldNameTheCellThatIsWrong() {
        final AzureImporter importer = importer();
        assertThatThrownBy(() -> importer.shape(2, "10/05/2024 00:00,1,1")).hasMessageContaining("TIMESTAMP '10/05/2024 00:00'");
        assertThatThrownBy(() -> importer.shape(2, "2024-05-10 00:00:00,-1,1")).hasMessageContaining("ContextTokens is negative");
        assertThatThrownBy(() -> importer.shape(2, "2024-05-10 00:00:00,1")).hasMessageContaining("expected 3 columns");
    }
}
