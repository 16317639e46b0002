package dev.zumik.localstack.kafka;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * How the client listener of a local cluster is secured. Secured, each node keeps a second, PLAINTEXT
 * listener for broker-to-broker traffic and its own readiness checks, and clients get the secured one.
 *
 * @param protocol  PLAINTEXT, SSL or SASL_SSL
 * @param listener  broker properties of the client listener, without the {@code listener.name.} prefix
 * @param scramUsers SCRAM-SHA-512 credentials (user to password) written into the metadata at format time
 */
public record ListenerSecurity(String protocol, Map<String, String> listener, Map<String, String> scramUsers) {
    public static final String SCRAM = "SCRAM-SHA-512";

    public ListenerSecurity {
        listener = Map.copyOf(listener);
        scramUsers = Map.copyOf(scramUsers);
    }

    public static ListenerSecurity plaintext() {
        return new ListenerSecurity("PLAINTEXT", Map.of(), Map.of());
    }

    /** TLS with client certificates required: clients need a keystore the broker's truststore trusts. */
    public static ListenerSecurity mutualTls(final TlsStores broker) {
        final Map<String, String> p = new LinkedHashMap<>(broker.brokerProperties());
        p.put("ssl.client.auth", "required");
        return new ListenerSecurity("SSL", p, Map.of());
    }

    /** SASL over TLS with SCRAM-SHA-512: clients need a user's password and a truststore trusting the broker. */
    public static ListenerSecurity saslSslScram(final TlsStores broker, final Map<String, String> users) {
        final Map<String, String> p = new LinkedHashMap<>(broker.brokerProperties());
        p.put("sasl.enabled.mechanisms", SCRAM);
        p.put(SCRAM.toLowerCase(Locale.ROOT) + ".sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required;");
        return new ListenerSecurity("SASL_SSL", p, users);
    }

    public boolean secured() {
        return !"PLAINTEXT".equals(protocol);
    }

    /**
     * A broker's TLS stores (PKCS12).
     *
     * @param keystore   the broker's key and certificate
     * @param truststore certificates the broker trusts (client certificates for mutual TLS); null for none
     */
    public record TlsStores(Path keystore, String keystorePassword, Path truststore, String truststorePassword) {
        Map<String, String> brokerProperties() {
            final Map<String, String> p = new LinkedHashMap<>();
            p.put("ssl.keystore.type", "PKCS12");
            p.put("ssl.keystore.location", keystore.toAbsolutePath().toString());
            p.put("ssl.keystore.password", keystorePassword);
            p.put("ssl.key.password", keystorePassword);
            if (truststore != null) {
                p.put("ssl.truststore.type", "PKCS12");
                p.put("ssl.truststore.location", truststore.toAbsolutePath().toString());
                p.put("ssl.truststore.password", truststorePassword);
            }
            return p;
        }
    }
}
