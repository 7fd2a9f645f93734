package io.userstream.schema.serde;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.config.ConfigException;

/**
 * Settings of {@link AvroSerializer}, {@link AvroDeserializer} and {@link AvroSerde}.
 *
 * <p>The keys are Confluent's, spelled the same, so that replacing these classes with
 * {@code io.confluent.kafka.serializers.KafkaAvroSerializer}/{@code KafkaAvroDeserializer} or
 * {@code io.confluent.kafka.streams.serdes.avro.SpecificAvroSerde} changes class names only.
 *
 * @param schemaRegistryUrl   base URL of the Confluent-compatible API, without trailing slash;
 *                            {@code null} only when a {@link SchemaRegistryClient} was handed in
 * @param autoRegisterSchemas register the record's schema on first use (true) or only look up its id
 * @param specificAvroReader  deserialize to the generated SpecificRecord class (true) or to GenericRecord
 */
public record AvroSerdeConfig(String schemaRegistryUrl, boolean autoRegisterSchemas, boolean specificAvroReader) {

    /** Base URL of the registry; Confluent accepts a comma-separated list, of which we use the first. */
    public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
    /** Whether the serializer registers schemas under the subject (default true). */
    public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";
    /** Whether the deserializer returns SpecificRecord classes (default false: GenericRecord). */
    public static final String SPECIFIC_AVRO_READER = "specific.avro.reader";

    /** Reads the configuration a Kafka client passes to {@code configure}; the URL is required. */
    public static AvroSerdeConfig parse(Map<String, ?> configs) {
        return parse(configs, true);
    }

    /** As {@link #parse(Map)}, the URL optional when the caller already has a registry client. */
    static AvroSerdeConfig parse(Map<String, ?> configs, boolean urlRequired) {
        Object rawUrl = configs.get(SCHEMA_REGISTRY_URL);
        String url = firstUrl(rawUrl);
        if (url == null && urlRequired) {
            throw new ConfigException(SCHEMA_REGISTRY_URL, rawUrl,
                    "Missing required configuration \"" + SCHEMA_REGISTRY_URL
                            + "\": the base URL of the Confluent-compatible schema registry API");
        }
        return new AvroSerdeConfig(
                url == null ? null : validUrl(url, rawUrl),
                bool(configs, AUTO_REGISTER_SCHEMAS, true),
                bool(configs, SPECIFIC_AVRO_READER, false));
    }

    private static String firstUrl(Object raw) {
        String text;
        if (raw == null) {
            return null;
        } else if (raw instanceof List<?> list) {
            text = list.isEmpty() ? "" : String.valueOf(list.get(0));
        } else {
            text = raw.toString();
        }
        String first = text.split(",", -1)[0].trim();
        return first.isEmpty() ? null : first;
    }

    private static String validUrl(String url, Object rawUrl) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new ConfigException(SCHEMA_REGISTRY_URL, rawUrl, "not a URL: " + e.getMessage());
        }
        if (!("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))
                || uri.getHost() == null) {
            throw new ConfigException(SCHEMA_REGISTRY_URL, rawUrl, "must be an http:// or https:// URL with a host");
        }
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    private static boolean bool(Map<String, ?> configs, String key, boolean defaultValue) {
        Object value = configs.get(key);
        if (value == null) {
            return defaultValue;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        String text = value.toString().trim();
        if (text.equalsIgnoreCase("true")) {
            return true;
        }
        if (text.equalsIgnoreCase("false")) {
            return false;
        }
        throw new ConfigException(key, value, "must be true or false");
    }
}
