package dev.zumik.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine;

/**
 * A hostile-argument table generated from the command tree itself, so that a new command or option is
 * covered the day it is added: for every command, an unknown option; for every option that takes a value,
 * the value missing; for every numeric or duration option, a word, an overflowing number and (durations)
 * a negative one; for every KEY=VALUE option, a value without '='; for every command that reads a
 * Kafka settings file, a file with a typo'd key. Each must be exit 2 with one line on
 * stderr that names the flag, and nothing on stdout.
 */
class CommandTreeHostileArgumentsTest {

    /** One hostile command line and the text its one line must hold. */
    record Case(String args, String mustName) {
        @Override
        public String toString() {
            return args;
        }
    }

    /** A settings file with a typo'd Kafka key (in the test resources). */
    private static final String TYPO_CONFIG = "src/test/resources/settings/typo.properties";

    static Stream<Arguments> cases() {
        final List<Case> cases = new ArrayList<>();
        final CommandLine root = new CommandLine(new Zumik());
        Zumik.withHelpEverywhere(root);
        walk(root, "", cases);
        return cases.stream().map(Arguments::of);
    }

    private static void walk(final CommandLine command, final String path, final List<Case> cases) {
        if (!path.isEmpty() && command.getSubcommands().values().stream().noneMatch(s -> !(s.getCommand() instanceof CommandLine.HelpCommand))) {
            cases.add(new Case(path + " --no-such-flag", "--no-such-flag"));
            for (final OptionSpec option : command.getCommandSpec().options()) {
                if (option.usageHelp() || option.versionHelp() || option.arity().max() == 0) {
                    continue;
                }
                final String name = option.longestName();
                cases.add(new Case(path + " " + name, name));
                final Class<?> type = option.type();
                if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
                    cases.add(new Case(path + " " + name + " lots", name));
                    cases.add(new Case(path + " " + name + " 99999999999999999999999", name));
                } else if (type == double.class || type == Double.class) {
                    cases.add(new Case(path + " " + name + " lots", name));
                } else if (type == Duration.class) {
                    cases.add(new Case(path + " " + name + " soon", "'soon' is not a duration"));
                    cases.add(new Case(path + " " + name + " 99999999999999999999h", "is not a duration"));
                    cases.add(new Case(path + " " + name + " PT-5S", "is negative"));
                } else if (Map.class.isAssignableFrom(type)) {
                    cases.add(new Case(path + " " + name + " novalue", name));
                }
                if (name.equals("--config") && String.join(" ", option.description()).contains("kafka.<client property>")
                        && command.getCommandSpec().requiredArgs().isEmpty() && !path.equals("replay-worker")) {
                    cases.add(new Case(path + (path.equals("capture") ? " --upstream http://127.0.0.1:9" : "") + " --config " + TYPO_CONFIG, "unknown setting kafka.secutity.protocol in " + TYPO_CONFIG
                            + ": did you mean kafka.security.protocol?"));
                }
            }
        }
        command.getSubcommands().forEach((sub, child) -> {
            if (!(child.getCommand() instanceof CommandLine.HelpCommand)) {
                walk(child, (path + " " + sub).trim(), cases);
            }
        });
    }

    @ParameterizedTest(name = "zumik {0}")
    @MethodSource("cases")
    void shouldRefuseWithOneLineNamingTheFlag(final Case hostile) {
        // when
        final ZumikCommandTest.Run run = ZumikCommandTest.run(hostile.args().split(" "));

        // then
        assertThat(run.exitCode()).as(hostile.args() + ": " + run.err()).isEqualTo(ZumikException.USAGE);
        assertThat(run.err().strip().lines()).as(run.err()).hasSize(1);
        assertThat(run.err()).as(hostile.args()).contains(hostile.mustName());
        assertThat(run.out()).as(hostile.args()).isEmpty();
    }

    @Test
    void shouldCoverEveryCommandWithHundredsOfCases() {
        assertThat(cases().count()).isGreaterThan(200);
    }
}
