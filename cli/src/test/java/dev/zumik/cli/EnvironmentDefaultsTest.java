package dev.zumik.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class EnvironmentDefaultsTest {

    @Test
    void shouldTakeOptionsFromZumikCommandOptionVariablesWithFlagsWinning() {
        // given
        final CommandLine cli = new CommandLine(new Zumik());
        cli.setDefaultValueProvider(new EnvironmentDefaults(Map.of(
                "ZUMIK_CAPTURE_UPSTREAM", "https://api.openai.com;/anthropic=https://api.anthropic.com",
                "ZUMIK_CAPTURE_QUEUE_BYTES", "8m",
                "ZUMIK_CAPTURE_LISTEN", "0.0.0.0:9000")));

        // when
        final CommandLine.ParseResult parsed = cli.parseArgs("capture", "--listen", "127.0.0.1:7000");
        final CaptureCommand capture = (CaptureCommand) parsed.subcommand().commandSpec().userObject();

        // then
        assertThat(capture.upstreams).containsExactly("https://api.openai.com", "/anthropic=https://api.anthropic.com");
        assertThat(capture.queueBytes).isEqualTo("8m");
        assertThat(capture.listen).isEqualTo("127.0.0.1:7000");
        assertThat(capture.settings().upstreams()).hasSize(2);
        assertThat(capture.settings().queueBytes()).isEqualTo(8L << 20);
    }
}
