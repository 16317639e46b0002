package dev.zumik.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Whole-process benchmarks' children: zumik commands from the built CLI, or a class of this module,
 * each a JVM of its own with output to a log. {@code ZUMIK_BENCH_CHILD_CPUS=1} pins them to those
 * CPUs (taskset), e.g. apart from the load generator; {@code ZUMIK_BENCH_CHILD_JAVA_OPTS} adds JVM options to
 * each (e.g. {@code -XX:StartFlightRecording=filename=/tmp/{child}.jfr} to profile them; {child} is the child's log name).
 */
final class ChildProcesses {
    private ChildProcesses() { }


    /** Runs {@code zumik ARGS} from cli/target/zumik.jar. */
    static Process zumik(final Path log, final String... args) throws IOException {
        return zumik(log, List.of(), args);
    }

    /** Runs {@code zumik ARGS} from cli/target/zumik.jar, its JVM with these options too. */
    static Process zumik(final Path log, final List<String> jvmOptions, final String... args) throws IOException {
        final Path jar = Path.of("cli/target/zumik.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException("cli/target/zumik.jar is missing: run mvn -q package -DskipTests first, from the project root");
        }
        final List<String> command = new ArrayList<>(List.of(java()));
        command.addAll(args.length > 0 && "capture".equals(args[0]) ? launcherCaptureOptions() : List.of("-Xmx1g"));
        command.addAll(jvmOptions);
        command.addAll(javaOptions(log));
        command.addAll(List.of("-jar", jar.toString()));
        command.addAll(List.of(args));
        return start(log, command);
    }

    /**
     * The JVM options the zumik launcher starts the capture agent with (its CAPTURE_JAVA_OPTS line; the container image
     * carries the same, InfraFilesTest checks), read from the launcher so that benches run the agent as deployed.
     */
    private static List<String> launcherCaptureOptions() throws IOException {
        return Files.readAllLines(Path.of("zumik")).stream()
                .filter(line -> line.startsWith("CAPTURE_JAVA_OPTS=\""))
                .map(line -> List.of(line.substring("CAPTURE_JAVA_OPTS=\"".length(), line.lastIndexOf('"')).split(" ")))
                .findFirst().orElseThrow(() -> new IllegalStateException("the zumik launcher has no CAPTURE_JAVA_OPTS line"));
    }

    /** Runs {@code main} of a class on this JVM's class path. */
    static Process java(final Path log, final Class<?> main, final String... args) throws IOException {
        final List<String> command = new ArrayList<>(List.of(java(), "-Xmx1g"));
        command.addAll(javaOptions(log));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        return start(log, command);
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    static void awaitPort(final int port, final int seconds) throws InterruptedException {
        final long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < deadline) {
            try (Socket socket = new Socket("127.0.0.1", port)) {
                return;
            } catch (final IOException notYet) {
                Thread.sleep(200);
            }
        }
        throw new IllegalStateException("nothing listens on port " + port + " after " + seconds + " s");
    }

    /** ZUMIK_BENCH_CHILD_JAVA_OPTS, with {child} as the child's log name without its extension. */
    private static List<String> javaOptions(final Path log) {
        final String options = System.getenv("ZUMIK_BENCH_CHILD_JAVA_OPTS");
        final String child = log.getFileName().toString().replaceFirst("\\.log$", "");
        return options == null || options.isBlank() ? List.of() : List.of(options.trim().replace("{child}", child).split("\\s+"));
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static Process start(final Path log, final List<String> command) throws IOException {
        final List<String> full = new ArrayList<>();
        final String cpus = System.getenv("ZUMIK_BENCH_CHILD_CPUS");
        if (cpus != null && !cpus.isBlank()) {
            full.addAll(List.of("taskset", "-c", cpus));
        }
        full.addAll(command);
        return stopOnExit(new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(log.toFile()).start());
    }

    /**
     * Stops the process and its descendants when this JVM exits, also on a SIGTERM or Ctrl-C, which skip the benches'
     * finally blocks: a stopped bench must not leave agents, brokers or nginx running on the cores the next run measures.
     */
    static Process stopOnExit(final Process process) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
        }, "stop-child-" + process.pid()));
        return process;
    }
}
