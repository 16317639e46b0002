package dev.zumik.cli;

import dev.zumik.core.cost.ByocProfile;
import dev.zumik.schemas.avro.ReplayRequest;
import dev.zumik.schemas.avro.ReplayTrigger;
import dev.zumik.schemas.config.ClientSettings;
import dev.zumik.schemas.registry.SchemaRegistryClient;
import dev.zumik.schemas.topics.Lanes;
import dev.zumik.schemas.topics.Topic;
import dev.zumik.schemas.topics.Topics;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code zumik replay request}: publishes a manual replay request for a lane's window. */
@Command(name = "replay", description = "Ask the replay workers for a replay: replay request --lane L --from T1 --to T2.", subcommands = ReplayCommand.Request.class)
final class ReplayCommand {

    @Command(name = "request", description = "Ask the replay workers to replay one lane's window against the managed baseline and a BYOC profile.")
    static final class Request implements Callable<Integer> {
        @Spec CommandSpec spec;
        @Mixin ConnectionOptions connection;

        @Option(names = "--lane", paramLabel = "PROVIDER/MODEL/ROUTE", required = true, description = "The lane to replay.")
        String lane;

        @Option(names = "--from", paramLabel = "TIME", required = true, description = "Window start, inclusive (ISO-8601 or epoch ms).")
        String from;

        @Option(names = "--to", paramLabel = "TIME", required = true, description = "Window end, exclusive.")
        String to;

        @Option(names = "--profile", paramLabel = "NAME", defaultValue = "dynamo", description = "BYOC profile (default ${DEFAULT-VALUE}).")
        String profile;

        @Option(names = "--time-scale", paramLabel = "X", defaultValue = "1", description = "Replay speed-up (default ${DEFAULT-VALUE}: real time).")
        double timeScale;

        @Option(names = "--topic-prefix", paramLabel = "PREFIX", defaultValue = "", description = "Prefix of every Zumik topic name.")
        String topicPrefix;

        @Override
        public Integer call() throws Exception {
            final Instant start = Values.instant("--from", from);
            final Instant end = Values.instant("--to", to);
            if (!end.isAfter(start)) {
                throw ZumikException.usage("--to must be after --from");
            }
            if (!(timeScale > 0)) {
                throw ZumikException.usage("--time-scale must be > 0, got " + timeScale);
            }
            if (!profile.matches("[a-z0-9][a-z0-9._-]*")) {
                throw ZumikException.usage("--profile must be a profile name such as " + String.join(" or ", ByocProfile.SHIPPED));
            }
            final ReplayRequest request;
            try {
                request = ReplayRequest.newBuilder().setRequestId(UUID.randomUUID().toString()).setLane(Lanes.parse(lane))
                        .setFromTime(start).setToTime(end).setProfile(profile).setTrigger(ReplayTrigger.MANUAL).setReasons(List.of("MANUAL"))
                        .setEstimatedGainPct(null).setTimeScale(timeScale).setRequestedAt(Instant.now()).build();
            } catch (final IllegalArgumentException e) {
                throw ZumikException.usage(e.getMessage());
            }
            final ClientSettings settings = connection.settings();
            final Topic<String, ReplayRequest> topic = Topics.create(new SchemaRegistryClient(settings.registrySettings()),
                    Topics.DEFAULT_SHAPE_PARTITIONS, topicPrefix).replayRequests();
            TopicsCommand.requireTopic(settings, topic.name());
            try (KafkaProducer<String, ReplayRequest> producer = new KafkaProducer<>(settings.kafkaProperties(), topic.keySerde().serializer(),
                    topic.valueSerde().serializer())) {
                producer.send(new ProducerRecord<>(topic.name(), request.getRequestId(), request)).get(30, TimeUnit.SECONDS);
            } catch (final java.util.concurrent.ExecutionException e) {
                throw ZumikException.failure("cannot publish the replay request: " + DevCommand.rootMessage(e));
            }
            final PrintWriter out = spec.commandLine().getOut();
            out.println("Replay request " + request.getRequestId() + " for " + lane + " [" + start + ", " + end + ") against " + profile
                    + " published to " + topic.name());
            return 0;
        }
    }
}
