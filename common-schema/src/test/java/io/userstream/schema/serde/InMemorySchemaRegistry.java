package io.userstream.schema.serde;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.avro.Schema;

/**
 * A registry double for unit tests: ids like a real registry (one per distinct schema, starting at
 * {@code firstId}), no HTTP. Real registry behaviour is covered by the *IT tests.
 */
class InMemorySchemaRegistry extends SchemaRegistryClient {

    record Registration(String subject, Schema schema) {
    }

    private final Map<Schema, Integer> ids = new HashMap<>();
    private final Map<Integer, Schema> schemas = new HashMap<>();
    private final Map<String, List<Schema>> subjects = new HashMap<>();
    private final List<Registration> registrations = new ArrayList<>();
    private int nextId;
    private SchemaRegistryException refusal;

    InMemorySchemaRegistry() {
        this(1);
    }

    InMemorySchemaRegistry(int firstId) {
        super("http://in-memory.invalid");
        this.nextId = firstId;
    }

    /** Makes every later register() fail like a registry's error answer. */
    void refuseWith(int httpStatus, int errorCode, String message) {
        refusal = SchemaRegistryException.errorAnswer(baseUrl(), "POST /subjects/.../versions", httpStatus, errorCode, message);
    }

    List<Registration> registrations() {
        return registrations;
    }

    @Override
    public synchronized int register(String subject, Schema schema) {
        if (refusal != null) {
            throw refusal;
        }
        registrations.add(new Registration(subject, schema));
        subjects.computeIfAbsent(subject, s -> new ArrayList<>()).add(schema);
        return ids.computeIfAbsent(schema, s -> {
            schemas.put(nextId, s);
            return nextId++;
        });
    }

    @Override
    public synchronized int lookUpId(String subject, Schema schema) {
        if (!subjects.getOrDefault(subject, List.of()).contains(schema)) {
            throw SchemaRegistryException.errorAnswer(baseUrl(), "POST /subjects/" + subject, 404, 40403, "Schema not found");
        }
        return ids.get(schema);
    }

    @Override
    public synchronized Schema getById(int id) {
        Schema schema = schemas.get(id);
        if (schema == null) {
            throw new UnknownSchemaIdException(id, baseUrl(), null);
        }
        return schema;
    }
}
