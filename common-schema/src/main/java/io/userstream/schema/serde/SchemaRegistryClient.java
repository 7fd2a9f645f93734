package io.userstream.schema.serde;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.apache.kafka.common.errors.InterruptException;

/**
 * A caching client of the Confluent Schema Registry REST API (also served by Apicurio Registry under
 * {@code /apis/ccompat/v7}). It asks the registry once per (subject, schema) and once per id;
 * thread-safe, so one instance can serve every serializer and deserializer of an application.
 */
public class SchemaRegistryClient {

    public static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final String ACCEPT =
            "application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json; qs=0.9, application/json; qs=0.5";
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String baseUrl;
    private final Duration timeout;
    private final HttpClient http;
    private final Map<SubjectSchema, Integer> idsBySubjectSchema = new ConcurrentHashMap<>();
    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();
    private final AtomicLong requestsSent = new AtomicLong();

    private record SubjectSchema(String subject, Schema schema) {
    }

    /** @param baseUrl the API's base, e.g. {@code http://127.0.0.1:8081/apis/ccompat/v7} */
    public SchemaRegistryClient(String baseUrl) {
        this(baseUrl, DEFAULT_TIMEOUT);
    }

    /** @param timeout for connecting and for each answer */
    public SchemaRegistryClient(String baseUrl, Duration timeout) {
        URI uri = URI.create(baseUrl);
        if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme())) {
            throw new IllegalArgumentException("Schema registry URL must be http:// or https://, got " + baseUrl);
        }
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    public String baseUrl() {
        return baseUrl;
    }

    /**
     * Registers {@code schema} under {@code subject} ({@code POST /subjects/{subject}/versions}); the
     * registry answers the existing id if the schema is already there.
     *
     * @throws SchemaRegistryException if unreachable or refused, e.g. HTTP 409 for an incompatible schema
     */
    public int register(String subject, Schema schema) {
        return idsBySubjectSchema.computeIfAbsent(new SubjectSchema(subject, schema), key -> {
            String request = "POST /subjects/" + subject + "/versions";
            int id;
            try {
                id = requireId(post(path("subjects", subject, "versions"), schema, request), request);
            } catch (SchemaRegistryException e) {
                id = registeredMeanwhile(subject, schema, e);
            }
            schemasById.putIfAbsent(id, schema);
            return id;
        });
    }

    /**
     * A 409 means an incompatible schema, or (Apicurio) that another client registered the same new subject
     * at the same moment; only the look-up tells them apart.
     */
    private int registeredMeanwhile(String subject, Schema schema, SchemaRegistryException refusal) {
        if (refusal.httpStatus() != 409) {
            throw refusal;
        }
        String request = "POST /subjects/" + subject;
        try {
            return requireId(post(path("subjects", subject), schema, request), request);
        } catch (SchemaRegistryException notThere) {
            refusal.addSuppressed(notThere);
            throw refusal;
        }
    }

    /**
     * The id of {@code schema} if already registered under {@code subject} ({@code POST /subjects/{subject}}):
     * what the serializer uses when {@code auto.register.schemas=false}.
     *
     * @throws SchemaRegistryException if unreachable, or HTTP 404 if the subject or schema is not registered
     */
    public int lookUpId(String subject, Schema schema) {
        return idsBySubjectSchema.computeIfAbsent(new SubjectSchema(subject, schema), key -> {
            String request = "POST /subjects/" + subject;
            int id = requireId(post(path("subjects", subject), schema, request), request);
            schemasById.putIfAbsent(id, schema);
            return id;
        });
    }

    /**
     * The schema registered under {@code id} ({@code GET /schemas/ids/{id}}).
     *
     * @throws UnknownSchemaIdException if the registry answers 404
     * @throws SchemaRegistryException  if unreachable or refused otherwise
     */
    public Schema getById(int id) {
        return schemasById.computeIfAbsent(id, key -> {
            String request = "GET /schemas/ids/" + id;
            HttpRequest get = requestTo(path("schemas", "ids", Integer.toString(id))).GET().build();
            JsonNode answer;
            try {
                answer = send(get, request);
            } catch (SchemaRegistryException e) {
                if (e.httpStatus() == 404) {
                    throw new UnknownSchemaIdException(id, baseUrl, e);
                }
                throw e;
            }
            JsonNode text = answer.get("schema");
            if (text == null || !text.isTextual()) {
                throw SchemaRegistryException.unexpectedAnswer(baseUrl, request, "no \"schema\" string in " + answer, null);
            }
            try {
                return new Schema.Parser().parse(text.asText());
            } catch (SchemaParseException e) {
                throw SchemaRegistryException.unexpectedAnswer(baseUrl, request, "not an Avro schema: " + e.getMessage(), e);
            }
        });
    }

    /** HTTP requests sent so far (cache misses), for metrics and for tests of the caching. */
    public long requestsSent() {
        return requestsSent.get();
    }

    private JsonNode post(URI uri, Schema schema, String request) {
        String body = JSON.createObjectNode().put("schema", schema.toString()).toString();
        return send(requestTo(uri).header("Content-Type", CONTENT_TYPE)
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build(), request);
    }

    private HttpRequest.Builder requestTo(URI uri) {
        return HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", ACCEPT);
    }

    private JsonNode send(HttpRequest httpRequest, String request) {
        requestsSent.incrementAndGet();
        HttpResponse<String> response;
        try {
            response = http.send(httpRequest, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw SchemaRegistryException.unreachable(baseUrl, request, e);
        } catch (InterruptedException e) {
            throw new InterruptException(e); // restores the thread's interrupt flag
        }
        int status = response.statusCode();
        JsonNode json = parseOrNull(response.body());
        if (status / 100 != 2) {
            throw errorAnswer(request, status, json, response.body());
        }
        if (json == null || !json.isObject()) {
            throw SchemaRegistryException.unexpectedAnswer(baseUrl, request,
                    "HTTP " + status + " with a body that is not a JSON object: " + abbreviate(response.body()), null);
        }
        return json;
    }

    private SchemaRegistryException errorAnswer(String request, int status, JsonNode json, String body) {
        // Confluent's error body is {"error_code": 40401, "message": "..."}; proxies answer anything.
        if (json != null && json.isObject() && json.hasNonNull("message")) {
            int errorCode = json.path("error_code").canConvertToInt()
                    ? json.path("error_code").asInt() : SchemaRegistryException.NONE;
            return SchemaRegistryException.errorAnswer(baseUrl, request, status, errorCode, json.get("message").asText());
        }
        return SchemaRegistryException.errorAnswer(baseUrl, request, status, SchemaRegistryException.NONE, abbreviate(body));
    }

    private int requireId(JsonNode answer, String request) {
        JsonNode id = answer.get("id");
        if (id == null || !id.canConvertToInt()) {
            throw SchemaRegistryException.unexpectedAnswer(baseUrl, request, "no integer \"id\" in " + answer, null);
        }
        return id.asInt();
    }

    private URI path(String... segments) {
        StringBuilder uri = new StringBuilder(baseUrl);
        for (String segment : segments) {
            uri.append('/').append(URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return URI.create(uri.toString());
    }

    private static JsonNode parseOrNull(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return JSON.readTree(body);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private static String abbreviate(String body) {
        String text = body == null ? "" : body.strip();
        return text.length() <= 300 ? text : text.substring(0, 300) + "...";
    }
}
