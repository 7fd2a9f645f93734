package io.userstream.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.apache.avro.JsonProperties;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/** Rules every topic schema keeps, beyond what the Avro compiler checks. */
class SchemaContractTest {

    private static final List<Schema> TOPIC_SCHEMAS =
            List.of(UserCreated.getClassSchema(), UserProcessed.getClassSchema(), UserStats.getClassSchema());

    @Test
    void credentialsOfTheSourceAppearNowhere() {
        Set<String> fieldNames = new HashSet<>();
        TOPIC_SCHEMAS.forEach(schema -> collectFieldNames(schema, fieldNames, new HashSet<>()));

        assertThat(fieldNames).isNotEmpty().doesNotContain("password", "salt", "md5", "sha1", "sha256");
    }

    @Test
    void everyNamedTypeIsInOneNamespaceAndDocumented() {
        List<Schema> named = new ArrayList<>();
        TOPIC_SCHEMAS.forEach(schema -> collectNamedTypes(schema, named, new HashSet<>()));

        assertThat(named).extracting(Schema::getName).contains(
                "UserCreated", "Name", "Location", "Street", "Coordinates", "Timezone", "Login", "DatedAge",
                "NationalId", "Picture", "IngestionMetadata", "IngestSource", "UserProcessed", "UserStats", "StatsDimension");
        for (Schema type : named) {
            assertThat(type.getNamespace()).as(type.getName()).isEqualTo("io.userstream.schema");
            assertThat(type.getDoc()).as("doc of %s", type.getName()).isNotBlank();
            if (type.getType() == Schema.Type.RECORD) {
                for (Schema.Field field : type.getFields()) {
                    assertThat(field.doc()).as("doc of %s.%s", type.getName(), field.name()).isNotBlank();
                }
            }
        }
    }

    @Test
    void derivedEventsReuseTheSharedTypes() {
        Schema created = UserCreated.getClassSchema();
        Schema processed = UserProcessed.getClassSchema();

        assertThat(processed.getField("ingestion").schema()).isEqualTo(created.getField("ingestion").schema());
        assertThat(processed.getField("picture").schema()).isEqualTo(created.getField("picture").schema());
        assertThat(processed.getField("coordinates").schema())
                .isEqualTo(created.getField("location").schema().getField("coordinates").schema());
    }

    @Test
    void identifiersAndInstantsCarryLogicalTypes() {
        Schema created = UserCreated.getClassSchema();

        assertThat(created.getField("login").schema().getField("uuid").schema().getLogicalType()).isEqualTo(LogicalTypes.uuid());
        assertThat(created.getField("ingestion").schema().getField("runId").schema().getLogicalType()).isEqualTo(LogicalTypes.uuid());
        assertThat(created.getField("dob").schema().getField("date").schema().getLogicalType()).isEqualTo(LogicalTypes.timestampMillis());
        assertThat(UserProcessed.getClassSchema().getField("userId").schema().getLogicalType()).isEqualTo(LogicalTypes.uuid());
        assertThat(UserStats.getClassSchema().getField("windowStart").schema().getLogicalType()).isEqualTo(LogicalTypes.timestampMillis());
    }

    /** Dropped at the ingest boundary unless configured to be kept (docs/security.md), so the field itself is optional. */
    @Test
    void nationalIdIsOptional() {
        Schema.Field nationalId = UserCreated.getClassSchema().getField("nationalId");

        assertThat(nationalId.schema().getTypes()).extracting(Schema::getType).containsExactly(Schema.Type.NULL, Schema.Type.RECORD);
        assertThat(nationalId.defaultVal()).isEqualTo(JsonProperties.NULL_VALUE);
    }

    @Test
    void nationalIdValueIsOptional() {
        Schema.Field value = NationalId.getClassSchema().getField("value");

        assertThat(value.schema().getTypes()).extracting(Schema::getType).containsExactly(Schema.Type.NULL, Schema.Type.STRING);
        assertThat(value.defaultVal()).isEqualTo(JsonProperties.NULL_VALUE);
    }

    private static void collectFieldNames(Schema schema, Set<String> names, Set<String> seen) {
        switch (schema.getType()) {
            case RECORD -> {
                if (seen.add(schema.getFullName())) {
                    for (Schema.Field field : schema.getFields()) {
                        names.add(field.name().toLowerCase());
                        collectFieldNames(field.schema(), names, seen);
                    }
                }
            }
            case UNION -> schema.getTypes().forEach(branch -> collectFieldNames(branch, names, seen));
            case ARRAY -> collectFieldNames(schema.getElementType(), names, seen);
            case MAP -> collectFieldNames(schema.getValueType(), names, seen);
            default -> {
            }
        }
    }

    private static void collectNamedTypes(Schema schema, List<Schema> named, Set<String> seen) {
        switch (schema.getType()) {
            case RECORD -> {
                if (seen.add(schema.getFullName())) {
                    named.add(schema);
                    schema.getFields().forEach(field -> collectNamedTypes(field.schema(), named, seen));
                }
            }
            case ENUM, FIXED -> {
                if (seen.add(schema.getFullName())) {
                    named.add(schema);
                }
            }
            case UNION -> schema.getTypes().forEach(branch -> collectNamedTypes(branch, named, seen));
            case ARRAY -> collectNamedTypes(schema.getElementType(), named, seen);
            case MAP -> collectNamedTypes(schema.getValueType(), named, seen);
            default -> {
            }
        }
    }
}
