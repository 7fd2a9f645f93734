package io.userstream.schema.serde;

import static io.userstream.schema.serde.AvroSerdeConfig.AUTO_REGISTER_SCHEMAS;
import static io.userstream.schema.serde.AvroSerdeConfig.SCHEMA_REGISTRY_URL;
import static io.userstream.schema.serde.AvroSerdeConfig.SPECIFIC_AVRO_READER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class AvroSerdeConfigTest {

    @Test
    void keysAreConfluents() {
        assertThat(SCHEMA_REGISTRY_URL).isEqualTo("schema.registry.url");
        assertThat(AUTO_REGISTER_SCHEMAS).isEqualTo("auto.register.schemas");
        assertThat(SPECIFIC_AVRO_READER).isEqualTo("specific.avro.reader");
    }

    @Test
    void defaultsAreConfluents() {
        AvroSerdeConfig config = AvroSerdeConfig.parse(Map.of(SCHEMA_REGISTRY_URL, "http://registry:8081"));

        assertThat(config).isEqualTo(new AvroSerdeConfig("http://registry:8081", true, false));
    }

    @Test
    void missingOrBlankUrlNamesTheKey() {
        assertThatThrownBy(() -> AvroSerdeConfig.parse(Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("schema.registry.url");
        assertThatThrownBy(() -> AvroSerdeConfig.parse(Map.of(SCHEMA_REGISTRY_URL, " ")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("schema.registry.url");
    }

    @Test
    void firstOfAUrlListIsUsedWithoutTrailingSlash() {
        assertThat(AvroSerdeConfig.parse(Map.of(SCHEMA_REGISTRY_URL, " http://a:8081/apis/ccompat/v7/ , http://b:8081")).schemaRegistryUrl())
                .isEqualTo("http://a:8081/apis/ccompat/v7");
        assertThat(AvroSerdeConfig.parse(Map.of(SCHEMA_REGISTRY_URL, List.of("https://a", "https://b"))).schemaRegistryUrl())
                .isEqualTo("https://a");
    }

    @Test
    void urlWithoutHttpSchemeIsRejected() {
        assertThatThrownBy(() -> AvroSerdeConfig.parse(Map.of(SCHEMA_REGISTRY_URL, "localhost:8081")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("schema.registry.url")
                .hasMessageContaining("http://");
    }

    @Test
    void booleansAcceptBooleanAndText() {
        AvroSerdeConfig config = AvroSerdeConfig.parse(Map.of(
                SCHEMA_REGISTRY_URL, "http://r", AUTO_REGISTER_SCHEMAS, "False", SPECIFIC_AVRO_READER, true));

        assertThat(config.autoRegisterSchemas()).isFalse();
        assertThat(config.specificAvroReader()).isTrue();
    }

    @Test
    void otherBooleanTextNamesTheKey() {
        assertThatThrownBy(() -> AvroSerdeConfig.parse(Map.of(SCHEMA_REGISTRY_URL, "http://r", SPECIFIC_AVRO_READER, "yes")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("specific.avro.reader");
    }

    @Test
    void urlIsOptionalOnlyWhenAClientIsGiven() {
        assertThat(AvroSerdeConfig.parse(Map.of(), false).schemaRegistryUrl()).isNull();
        assertThatThrownBy(() -> new AvroSerializer<>().configure(Map.of(), false)).isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> new AvroDeserializer<>().configure(Map.of(), false)).isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> new AvroSerde<>().configure(Map.of(), false)).isInstanceOf(ConfigException.class);
    }
}
