package io.userstream.schema;

import static org.apache.avro.SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE;
import static org.apache.avro.SchemaCompatibility.SchemaCompatibilityType.INCOMPATIBLE;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The registry enforces BACKWARD: a consumer on the current schema must read everything written
 * with any earlier version. Every version that ever reached a topic is kept in
 * src/test/resources/avro/previous as {@code <topic schema>-v<N>.avsc}; before changing a schema,
 * copy the current one there as the next version.
 */
class SchemaEvolutionTest {

    private static final String PREVIOUS = "avro/previous";

    /** File prefix of the kept versions -> the schema in use now. */
    private static final Map<String, Schema> CURRENT = Map.of(
            "user_created", UserCreated.getClassSchema(),
            "user_processed", UserProcessed.getClassSchema(),
            "user_stats", UserStats.getClassSchema());

    static Stream<Arguments> previousVersions() throws IOException, URISyntaxException {
        List<Arguments> pairs = new ArrayList<>();
        try (Stream<Path> files = Files.list(Path.of(SchemaEvolutionTest.class.getClassLoader().getResource(PREVIOUS).toURI()))) {
            for (Path file : files.sorted().toList()) {
                String fileName = file.getFileName().toString();
                String prefix = fileName.replaceFirst("-v\\d+\\.avsc$", "");
                assertThat(CURRENT).as("kept version %s belongs to no current schema", fileName).containsKey(prefix);
                pairs.add(Arguments.of(fileName, CURRENT.get(prefix)));
            }
        }
        return pairs.stream();
    }

    @ParameterizedTest(name = "current schema reads {0}")
    @MethodSource("previousVersions")
    void currentSchemaReadsEveryPreviousVersion(String previousFile, Schema current) {
        SchemaPairCompatibility result = backward(current, load(PREVIOUS + "/" + previousFile));

        assertThat(result.getType()).as(result.getDescription()).isEqualTo(COMPATIBLE);
    }

    @Test
    void everyTopicSchemaHasAKeptVersion() throws Exception {
        List<String> kept = previousVersions().map(arguments -> (String) arguments.get()[0]).toList();

        for (String prefix : CURRENT.keySet()) {
            assertThat(kept).as("kept versions of %s", prefix).anyMatch(file -> file.startsWith(prefix + "-v"));
        }
    }

    @ParameterizedTest(name = "{0}: new field without default is rejected, with default accepted")
    @MethodSource("currentSchemas")
    void addingAFieldNeedsADefault(String name, Schema current) {
        Schema withoutDefault = withExtraField(current, new Schema.Field("addedLater", Schema.create(Schema.Type.STRING), "test", (Object) null));
        Schema withDefault = withExtraField(current, new Schema.Field("addedLater", Schema.create(Schema.Type.STRING), "test", "unknown"));

        assertThat(backward(withoutDefault, current).getType()).isEqualTo(INCOMPATIBLE);
        assertThat(backward(withDefault, current).getType()).isEqualTo(COMPATIBLE);
    }

    @Test
    void changingAFieldTypeIsRejected() {
        Schema countAsString = load("avro/incompatible/user_stats-count-as-string.avsc");

        SchemaPairCompatibility result = backward(countAsString, load(PREVIOUS + "/user_stats-v1.avsc"));

        assertThat(result.getType()).isEqualTo(INCOMPATIBLE);
        assertThat(result.getResult().getIncompatibilities())
                .anySatisfy(incompatibility -> assertThat(incompatibility.getMessage())
                        .contains("reader type: STRING not compatible with writer type: LONG"));
    }

    static Stream<Arguments> currentSchemas() {
        return CURRENT.entrySet().stream().map(entry -> Arguments.of(entry.getKey(), entry.getValue()));
    }

    /** BACKWARD: the new schema reads data written with the old one. */
    private static SchemaPairCompatibility backward(Schema reader, Schema writer) {
        return SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
    }

    private static Schema withExtraField(Schema record, Schema.Field extra) {
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field field : record.getFields()) {
            fields.add(new Schema.Field(field, field.schema()));
        }
        fields.add(extra);
        return Schema.createRecord(record.getName(), record.getDoc(), record.getNamespace(), false, fields);
    }

    private static Schema load(String resource) {
        try (InputStream in = SchemaEvolutionTest.class.getClassLoader().getResourceAsStream(resource)) {
            assertThat(in).as(resource).isNotNull();
            return new Schema.Parser().parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
