package io.userstream.localstack;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A Kafka principal of the local stack and its password, with the SASL mechanism it logs in with: {@code PLAIN} for
 * {@code admin} (the broker's own login, defined in its configuration), {@code SCRAM-SHA-256} for the services
 * (kept in the cluster's metadata).
 */
public record KafkaLogin(String username, String password, String mechanism) {

    public static final String SECURITY_PROTOCOL = "SASL_PLAINTEXT";

    /** The {@code sasl.jaas.config} value a client logs in with. */
    public String jaasConfig() {
        String module = mechanism.equals("PLAIN")
                ? "org.apache.kafka.common.security.plain.PlainLoginModule"
                : "org.apache.kafka.common.security.scram.ScramLoginModule";
        return module + " required username=\"" + username + "\" password=\"" + password + "\";";
    }

    /** {@code security.protocol}, {@code sasl.mechanism} and {@code sasl.jaas.config}: add to any Kafka client's configuration. */
    public Map<String, Object> clientProperties() {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("security.protocol", SECURITY_PROTOCOL);
        properties.put("sasl.mechanism", mechanism);
        properties.put("sasl.jaas.config", jaasConfig());
        return properties;
    }

    /** The same as Spring Boot properties, for every client a Spring Kafka application makes (Streams included). */
    public Map<String, String> springProperties() {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("spring.kafka.security.protocol", SECURITY_PROTOCOL);
        properties.put("spring.kafka.properties.sasl.mechanism", mechanism);
        properties.put("spring.kafka.properties.sasl.jaas.config", jaasConfig());
        return properties;
    }

    @Override
    public String toString() {
        return username + " / " + password + " (" + mechanism + ")";
    }
}
