package dev.zumik.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** Runs the command line as a user would and checks exit codes and what is printed. */
class ZumikCommandTest {

    record Run(int exitCode, String out, String err) { }

    static Run run(final String... args) {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final int code = Zumik.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void shouldExplainItselfWithHelp() {
        // when
        final Run run = run("--help");

        // then
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("Usage: zumik").contains("dev").contains("topics").contains("kafka").contains("registry");
    }

    @Test
    void shouldPrintHelpForEverySubcommandWithoutCheckingItsArguments() {
        // walk the whole command tree: every command answers -h and --help with its usage, exit 0
        final List<String> paths = new ArrayList<>();
        collect(new CommandLine(new Zumik()), "", paths);
        assertThat(paths).contains("analyze", "streams", "replay", "replay request", "topics create", "capture");
        for (final String path : paths) {
            for (final String flag : new String[] {"-h", "--help"}) {
                final String[] args = (path + " " + flag).trim().split(" ");
                final Run run = run(args);
                assertThat(run.exitCode()).as(String.join(" ", args) + ": " + run.err()).isZero();
                assertThat(run.out()).as(String.join(" ", args)).contains("Usage: zumik " + path);
            }
        }
    }

    private static void collect(final CommandLine command, final String prefix, final List<String> out) {
        command.getSubcommands().forEach((name, sub) -> {
            if (!(sub.getCommand() instanceof CommandLine.HelpCommand)) {
                final String path = (prefix + " " + name).trim();
                out.add(path);
                collect(sub, path, out);
            }
        });
    }

    @Test
    void shouldPrintUsageWithoutASubcommand() {
        assertThat(run().out()).contains("Usage: zumik");
    }

    @ParameterizedTest(name = "zumik {0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "nosuch                                   | Unmatched argument at index 0: 'nosuch'",
        "dev --bogus                              | Unknown option: '--bogus'",
        "dev --brokers 0                          | --brokers must be 1..9, got 0",
        "dev --kafka-port 70000                   | --kafka-port must be 0..65535, got 70000",
        "dev --kafka-port many                    | Invalid value for option '--kafka-port'",
        "dev --run-for soon                       | 'soon' is not a duration",
        "dev --run-for -5s                        | '-5s' is not a duration",
        "dev --run-for PT-5S                      | 'PT-5S' is negative: a duration must be 0 or more",
        "dev --run-for 99999999999999999h         | '99999999999999999h' is not a duration",
        "capture --upstream http://x --parse-limit 99999999999999g | --parse-limit '99999999999999g' is not a size",
        "topics list --kafka :::                  | the Kafka bootstrap servers from the command line must be HOST:PORT",
        "replay request --lane a/b/c --from 1 --to 5 --api ftp://x | --api must be http(s)://HOST:PORT, got 'ftp://x'",
        "kafka                                    | Missing required option: '--data-dir=DIR'",
        "kafka --data-dir /tmp/x --port 0         | must be fixed for a standalone broker",
        "registry --port -1                       | --port must be 0..65535, got -1",
        "registry --tls-keystore pom.xml          | --tls-keystore and --tls-password-file go together",
        "registry --users-file /no/such/users     | --users-file /no/such/users: no such readable file",
        "registry --users-file pom.xml            | --users-file: pom.xml line 1: expected user:password",
        "topics create --replication-factor 0     | --replication-factor must be >= 1, got 0",
        "topics create --shape-partitions 0       | --shape-partitions must be >= 1, got 0",
        "topics create --config /nonexistent.prop | --config /nonexistent.prop: no such readable file",
        "topics create --registry ftp://x         | must be http:// or https://",
        "topics list --kafka                      | Missing required parameter for option '--kafka'",
        "capture                                  | an upstream is required: --upstream URL (or ZUMIK_CAPTURE_UPSTREAM)",
        "capture --upstream ftp://x               | --upstream ftp://x: upstream must be http:// or https://",
        "capture --upstream http://x --listen 80  | --listen must be HOST:PORT, got '80'",
        "capture --upstream http://a --upstream http://b | --upstream: two upstreams without a path prefix (http://a and http://b): the second could never be reached",
        "capture --upstream /v=http://a --upstream /v/=http://b | --upstream: two upstreams with the prefix /v (http://a and http://b)",
        "capture --upstream http://a,name=x --upstream /p=http://b,name=x | --upstream: two upstreams named x",
        "capture --upstream http://               | --upstream http://: not a URL",
        "capture --upstream notaurl               | --upstream notaurl:",
        "capture --upstream http://x --queue-bytes lots | --queue-bytes 'lots' is not a size",
        "capture --upstream http://x --shaping-backlog 10 | --shaping-backlog must be at least 1k, got 10",
        "capture --upstream http://x --shaping-priority low | --shaping-priority must be idle or normal, got low",
        "capture --upstream http://x --tokenizer p50k | unknown tokenizer 'p50k'",
        "capture --upstream http://x --block-size 0 | --block-size must be >= 1, got 0",
        "import mooncake /nonexistent.jsonl --lane a/b/c | /nonexistent.jsonl: no such readable file",
        "import mooncake pom.xml --lane nolane    | lane must be provider/model/route",
        "import parquet pom.xml --lane a/b/c      | unknown trace format 'parquet'",
        "import mooncake pom.xml --lane a/b/c --start yesterday | --start 'yesterday' is neither an ISO-8601 instant",
        "export mooncake --lane a/b/c --from 10 --to 5 | --to must be after --from",
        "export csv --lane a/b/c --from 1 --to 5  | unknown export format 'csv'",
        "export mooncake --lane a/b/c --from 1    | Missing required option: '--to=TIME'",
        "analyze pom.xml                          | Missing required option: '--format=FORMAT'",
        "analyze /nonexistent --format mooncake   | /nonexistent: no such readable file",
        "analyze /tmp --format mooncake           | /tmp: a directory, not a file",
        "analyze pom.xml --format mooncake --json /nonexistent/dir/report.json | --json /nonexistent/dir/report.json: cannot write a file there",
        "analyze pom.xml --format mooncake --json /tmp | --json /tmp: cannot write a file there",
        "analyze pom.xml --format parquet         | unknown trace format 'parquet'",
        "analyze pom.xml --format mooncake --cache lru | lru: a capacity in tokens is required",
        "analyze pom.xml --format mooncake --cache fifo:3 | unknown cache policy 'fifo:3'",
        "analyze pom.xml --format mooncake --block-tokens 0 | --block-tokens must be >= 1, got 0",
        "streams --evaluation-windows 0           | --evaluation-windows must be >= 1, got 0",
        "streams --window soon                    | 'soon' is not a duration",
        "streams --cache lru                      | lru: a capacity in tokens is required",
        "streams --prices /nonexistent.yaml       | --prices /nonexistent.yaml: no such readable file",
        "streams --profile tpu-pod                | --profile: unknown profile 'tpu-pod': give dynamo, k8s-portable or a profile file",
        "streams --lanes pom.xml                  | pom.xml",
        "streams --api 8090                       | --api must be HOST:PORT, got '8090'",
        "streams --api 127.0.0.1:0                | --api needs a fixed port",
        "lanes --api ftp://x                      | --api must be http(s)://HOST:PORT, got 'ftp://x'",
        "replay request --lane a/b/c --from 10 --to 5 | --to must be after --from",
        "replay request --lane nolane --from 1 --to 5 | lane must be provider/model/route",
        "replay request --lane a/b/c --from 1     | Missing required option: '--to=TIME'",
        "replay request --lane a/b/c --from 1 --to 5 --profile Big | --profile must be a profile name",
        "replay request --lane a/b/c --from 1 --to 5 --reason cheaper | --reason: unknown reason 'cheaper': give slo, hot-volume, isolation",
        "replay request --lane a/b/c --from 1 --to 5 --slo ttft | --slo: give ttft=DURATION or e2e=DURATION",
        "replay request --lane a/b/c --from 1 --to 5 --slo e2e=soon | --slo e2e: 'soon' is not a duration",
        "replay request --lane a/b/c --from 1 --to 5 --quality-evidence evals | --quality-evidence: a URI with a scheme is required",
        "streams --decision material.gain=20      | unknown setting decision.material.gain: the decision settings are",
        "streams --decision capture.ratio=2       | decision.capture.ratio must be in [0, 1], got 2.0",
        "streams --decision accepted.premium.pct=-5 | decision.accepted.premium.pct must be a number >= 0, got -5.0",
        "replay                                   | give --trace FILE (a replay without Kafka)",
        "replay --trace pom.xml --format mooncake | --baseline URL is required with --trace",
        "replay --trace pom.xml --format mooncake --baseline http://b --candidate http://c --out /tmp/x | --signing-key FILE is required",
        "replay --trace pom.xml --format mooncake --baseline http://b --candidate http://c --out pom.xml/out --signing-key pom.xml | --out pom.xml/out: cannot create the directory",
        "replay --trace pom.xml --format mooncake --baseline ftp://b --candidate http://c --out /tmp/x --signing-key pom.xml | --baseline must be an http(s)://host",
        "replay --trace pom.xml --format mooncake --baseline http://b --candidate http://c --out /tmp/x --signing-key pom.xml --time-scale 0 | --time-scale must be > 0",
        "replay --trace pom.xml --format mooncake --baseline http://b --candidate http://c --out /tmp/x --signing-key pom.xml | pom.xml: not a PEM private key",
        "replay --trace pom.xml --format mooncake --baseline http://b --candidate http://c --out /tmp/x --signing-key pom.xml --concurrency 0 | concurrency must be >= 1",
        "replay-worker                            | --signing-key FILE is required",
        "replay-worker --signing-key pom.xml --profile tpu-pod | --profile: unknown profile 'tpu-pod': give dynamo, k8s-portable or a profile file",
        "replay-worker --signing-key pom.xml --candidate x | --candidate must be an http(s)://host",
        "keys generate                            | Missing required option: '--out=DIR'",
        "demo --scenario maybe                    | --scenario must be move or stay, got 'maybe'",
        "demo --timeout soon                      | 'soon' is not a duration",
        "demo --dir pom.xml                       | --dir pom.xml: a file, not a directory",
        "demo --dir pom.xml/work                  | --dir pom.xml/work: cannot create the directory (not a directory)",
        "import mooncake pom.xml --lane a/b/c --key-dir pom.xml | --key-dir pom.xml: cannot open the key store (a file, not a directory, is in the way)",
        "capture --upstream http://x --key-dir pom.xml | --key-dir pom.xml: cannot open the key store",
        "import mooncake pom.xml --lane a/b/c --no-such-flag | Unknown option: '--no-such-flag'",
        "verdicts watch --key /nonexistent.pub    | --key /nonexistent.pub: no such readable file",
        "purge --signing-key pom.xml              | give --tenant ID to shred a tenant's keys, or --runtime PROFILE to run a deletion drill",
        "purge --runtime dynamo --signing-key pom.xml | --runtime needs --serving URL (the gateway or Dynamo's frontend) and --engine URL for every replica",
        "purge --runtime tpu --serving http://g --engine http://e --signing-key pom.xml | --runtime: unknown profile 'tpu': give dynamo, k8s-portable or a profile file",
        "purge --runtime k8s-portable --serving http://g --engine http://e --mooncake-master http://m --signing-key pom.xml | --lmcache and --mooncake-master are tiers of the dynamo recipe",
        "purge --runtime dynamo --serving ftp://g --engine http://e --signing-key pom.xml | --serving must be an http(s)://host",
        "purge --tenant ../x --signing-key pom.xml | --tenant must be 1-128 letters",
        "purge --tenant t --signing-key pom.xml --key-dir /nonexistent | --key-dir /nonexistent: no such key store",
        "purge --tenant t --signing-key pom.xml --key-dir . | pom.xml: not a PEM private key",
        "verify                                   | Missing required",
        "verify pom.xml --key /nonexistent.pub    | --key /nonexistent.pub: no such readable file",
        "verify pom.xml --key pom.xml             | pom.xml: not a PEM public key",
        "sim --profile tgi                        | unknown profile 'tgi' (known: managed-openai, managed-anthropic, vllm, sglang, dynamo)",
        "sim --config /nonexistent.yaml           | --config /nonexistent.yaml: no such readable file",
        "sim --config pom.xml                     | pom.xml: expected a mapping of profile fields",
        "sim --listen 8000                        | --listen must be HOST:PORT, got '8000'",
        "sim --seed x                             | Invalid value for option '--seed'",
    })
    void shouldRejectBadArgumentsWithOneClearLine(final String args, final String expected) {
        // when
        final Run run = run(args.trim().split("\\s+"));

        // then
        assertThat(run.exitCode()).as(run.err()).isEqualTo(ZumikException.USAGE);
        assertThat(run.err().strip().lines()).as(run.err()).hasSize(1);
        assertThat(run.err()).contains(expected);
    }

    @Test
    void shouldRefuseAnIsolationWordOutsideTheClosedSetNamingTheLaneAndTheValue(@TempDir final Path dir)
            throws Exception {
        // given a lanes file whose isolation requirement is free text
        final Path lanes = dir.resolve("lanes.yaml");
        Files.writeString(lanes, "lanes:\n  - {match: \"openai/gpt-4.1/*\", isolation: [because]}\n");
        // when
        final Run run = run("streams", "--lanes", lanes.toString());
        // then
        assertThat(run.exitCode()).isEqualTo(ZumikException.USAGE);
        assertThat(run.err().strip()).isEqualTo("zumik streams: " + lanes + ": lanes[0] (openai/gpt-4.1/*): isolation: 'because' is not an "
                + "isolation requirement: give private-networking, region:<name> (e.g. region:eu-west-1) or runtime-confirmed-deletion");
    }

    @Test
    void shouldRefuseAPortAlreadyListenedOnWithOneLineAndLeaveTheListenerAlone() throws Exception {
        // given a listener on every address, as another server would hold it
        try (ServerSocket busy = new ServerSocket(0)) {
            // when the registry is asked for that port on loopback
            final Run run = run("registry", "--port", Integer.toString(busy.getLocalPort()));

            // then one line names the port and the flag, and the listener still accepts
            assertThat(run.exitCode()).isEqualTo(ZumikException.FAILURE);
            assertThat(run.err().strip()).doesNotContain("\n")
                    .contains("port " + busy.getLocalPort() + " on 127.0.0.1 is in use; pass --port with another port");
            try (Socket client = new Socket("127.0.0.1", busy.getLocalPort())) {
                assertThat(client.isConnected()).isTrue();
            }
        }
    }

    @Test
    void shouldPrintTheResolvedSimulatorProfile() {
        // when
        final Run run = run("sim", "--profile", "dynamo", "--seed", "5", "--print-profile");
        // then
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("name: \"dynamo\"", "seed: 5", "name: \"nvme\"");
    }

    @Test
    void shouldValidateTheShippedProfilesAndRefuseTwoSchedulerOwners(@TempDir final Path dir)
            throws Exception {
        // given
        final Path shipped = Path.of("../infra/profiles/dynamo.yaml");
        final Path both = dir.resolve("both.yaml");
        Files.writeString(both, Files.readString(shipped)
                .replace("replicaSelection: [dynamo-kv-router]", "replicaSelection: [dynamo-kv-router, gateway-api-inference-extension]"));
        // when
        final Run ok = run("profile", "validate", shipped.toString());
        final Run bad = run("profile", "validate", both.toString());
        // then
        assertThat(ok.exitCode()).as(ok.err()).isZero();
        assertThat(ok.out()).contains("dynamo.yaml: ok (dynamo; replicas picked by dynamo-kv-router; 2 GPUs per replica; tiers hbm 480000 tokens");
        assertThat(bad.exitCode()).isEqualTo(ZumikException.FAILURE);
        assertThat(bad.err().strip().lines()).hasSize(1);
        assertThat(bad.err()).contains("one scheduler must own replica selection");
    }

    @ParameterizedTest(name = "zumik {0} {1}")
    @CsvSource({"capture, --listen", "capture, --admin", "streams, --api", "registry, --host", "kafka, --host"})
    void shouldListenOnLoopbackByDefault(final String command, final String option) {
        // when
        final String value = new CommandLine(new Zumik()).getSubcommands().get(command).getCommandSpec()
                .findOption(option).defaultValue();

        // then
        assertThat(value).startsWith("127.0.0.1");
    }

    @Test
    void shouldSayWhenKafkaCannotBeReached() {
        // when
        final Run run = run("topics", "list", "--kafka", "127.0.0.1:1");

        // then
        assertThat(run.exitCode()).isEqualTo(ZumikException.FAILURE);
        assertThat(run.err().strip()).isEqualTo("zumik topics list: cannot reach Kafka at 127.0.0.1:1 within 10 s");
    }
}
