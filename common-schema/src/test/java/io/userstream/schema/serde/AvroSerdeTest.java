package io.userstream.schema.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.Map;

import io.userstream.schema.SampleRecords;
import io.userstream.schema.UserProcessed;
import org.junit.jupiter.api.Test;

class AvroSerdeTest {

    @Test
    void roundTripsASpecificRecord() {
        InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
        AvroSerde<UserProcessed> serde = new AvroSerde<>(registry);
        serde.configure(Map.of(AvroSerdeConfig.SPECIFIC_AVRO_READER, true), false);
        UserProcessed user = SampleRecords.userProcessed();

        byte[] bytes = serde.serializer().serialize("users_processed", user);

        assertThat(serde.deserializer().deserialize("users_processed", bytes)).isEqualTo(user);
        assertThat(registry.registrations()).extracting(InMemorySchemaRegistry.Registration::subject)
                .containsExactly("users_processed-value");
    }

    @Test
    void keySerdeUsesTheKeySubject() {
        InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
        AvroSerde<UserProcessed> serde = new AvroSerde<>(registry);
        serde.configure(Map.of(), true);

        serde.serializer().serialize("users_processed", SampleRecords.userProcessed());

        assertThat(registry.registrations()).extracting(InMemorySchemaRegistry.Registration::subject)
                .containsExactly("users_processed-key");
    }

    @Test
    void configuredUrlReachesBothHalves() throws IOException {
        String url = "http://127.0.0.1:" + closedPort() + "/apis/ccompat/v7";
        AvroSerde<UserProcessed> serde = new AvroSerde<>();
        serde.configure(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, url), false);

        assertThatThrownBy(() -> serde.serializer().serialize("users_processed", SampleRecords.userProcessed()))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining(url);
        assertThatThrownBy(() -> serde.deserializer().deserialize("users_processed", new byte[] {0, 0, 0, 0, 1, 0}))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining(url);
    }

    static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
