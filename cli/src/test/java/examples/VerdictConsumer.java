package examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.zumik.schemas.avro.Verdict;
import dev.zumik.schemas.registry.RegistrySettings;
import dev.zumik.schemas.registry.SchemaRegistryClient;
import dev.zumik.schemas.serde.ConfluentAvroDeserializer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * A downstream consumer of Zumik verdicts (docs/CONSUMERS.md): reads zumik.verdicts.v1 and checks each
 * verdict's Ed25519 signature over the DSSE pre-authentication encoding with the JDK alone.
 * Args: BOOTSTRAP REGISTRY_URL SIGNING_PUB [TOPIC].
 */
public final class VerdictConsumer {
    private static final ObjectMapper JSON = new ObjectMapper();

    public static void main(final String[] args) throws Exception {
        read(args[0], args[1], Path.of(args[2]), args.length > 3 ? args[3] : "zumik.verdicts.v1", Duration.ofDays(365))
                .forEach(System.out::println);
    }

    /** One line per verdict read within {@code forHowLong}: OK or BAD, request id, decision, cost gain. */
    public static List<String> read(final String bootstrap, final String registry, final Path publicKey, final String topic,
                                    final Duration forHowLong) throws Exception {
        final PublicKey key = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(Base64.getMimeDecoder().decode(
                Files.readString(publicKey).replaceAll("-----[A-Z ]+-----", ""))));
        final Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        props.put("group.id", "verdict-reader");
        props.put("auto.offset.reset", "earliest");
        props.put("isolation.level", "read_committed");   // verdicts are published in transactions
        final List<String> lines = new ArrayList<>();
        try (KafkaConsumer<String, Verdict> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new ConfluentAvroDeserializer<>(new SchemaRegistryClient(RegistrySettings.of(registry)), Verdict.class))) {
            consumer.subscribe(List.of(topic));
            final long end = System.nanoTime() + forHowLong.toNanos();
            while (System.nanoTime() < end) {
                for (final ConsumerRecord<String, Verdict> record : consumer.poll(Duration.ofMillis(500))) {
                    final Verdict v = record.value();
                    lines.add((verifies(v.getDsseEnvelope(), key) ? "OK " : "BAD ") + v.getRequestId() + " " + v.getDecision() + " "
                            + String.join(",", v.getReasons()) + " gain=" + v.getCostGainPct());
                }
            }
        }
        return lines;
    }

    /** DSSE v1: Ed25519 over "DSSEv1 " + len(type) + " " + type + " " + len(payload) + " " + payload. */
    static boolean verifies(final String envelopeJson, final PublicKey key) {
        try {
            final JsonNode envelope = JSON.readTree(envelopeJson);
            final String type = envelope.path("payloadType").asText();
            final byte[] payload = Base64.getDecoder().decode(envelope.path("payload").asText());
            if (!"application/vnd.in-toto+json".equals(type)) {
                return false;
            }
            final byte[] head = ("DSSEv1 " + type.length() + " " + type + " " + payload.length + " ").getBytes(StandardCharsets.UTF_8);
            final Signature ed25519 = Signature.getInstance("Ed25519");
            ed25519.initVerify(key);
            ed25519.update(head);
            ed25519.update(payload);
            return ed25519.verify(Base64.getDecoder().decode(envelope.path("signatures").path(0).path("sig").asText()));
        } catch (final Exception e) {
            return false;
        }
    }
}
