package io.userstream.localstack;

import static org.apache.kafka.common.acl.AclOperation.ALL;
import static org.apache.kafka.common.acl.AclOperation.CREATE;
import static org.apache.kafka.common.acl.AclOperation.DESCRIBE;
import static org.apache.kafka.common.acl.AclOperation.DESCRIBE_CONFIGS;
import static org.apache.kafka.common.acl.AclOperation.READ;
import static org.apache.kafka.common.acl.AclOperation.WRITE;
import static org.apache.kafka.common.resource.PatternType.LITERAL;
import static org.apache.kafka.common.resource.PatternType.PREFIXED;
import static org.apache.kafka.common.resource.ResourceType.CLUSTER;
import static org.apache.kafka.common.resource.ResourceType.GROUP;
import static org.apache.kafka.common.resource.ResourceType.TOPIC;
import static org.apache.kafka.common.resource.ResourceType.TRANSACTIONAL_ID;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * What each service's Kafka principal may do: its own topics, consumer groups and transactional ids (docs/security.md).
 * Everything else is denied ({@code allow.everyone.if.no.acl.found=false}). Topics are granted by prefix, the default
 * name: {@code users_created} covers {@code users_created_<suffix>} too, which integration tests use to keep their
 * records apart on a shared broker while each service runs with its own principal.
 * A service "declares" the topics it uses: creates them when missing and compares the others with userstream.topics
 * (common-schema's TopicLayoutCheck), which needs CREATE, DESCRIBE and DESCRIBE_CONFIGS. No ALTER: no service may add
 * partitions or change a topic's settings. Compose grants the same in docker/kafka/kafka-init.sh (ComposeFileTest compares).
 */
public final class KafkaAcls {

    static final String USERS_CREATED = "users_created";
    static final String USERS_PROCESSED = "users_processed";
    static final String USER_STATS = "user_stats";
    static final String USERS_DLQ = "users_dlq";
    static final String REDRIVE_AUDIT = "users_redrive_audit";

    private static final List<AclOperation> DECLARES = List.of(CREATE, DESCRIBE, DESCRIBE_CONFIGS);

    private KafkaAcls() {
    }

    /** Every grant, for every service principal. */
    public static List<AclBinding> all() {
        List<AclBinding> bindings = new ArrayList<>();
        String ingest = principal(ServerKind.INGEST);
        declares(bindings, ingest, USERS_CREATED, WRITE);

        // Kafka Streams: its internal topics, group and transactions are named after its application id.
        String processor = principal(ServerKind.PROCESSOR);
        declares(bindings, processor, USERS_CREATED, READ);
        for (String output : List.of(USERS_PROCESSED, USER_STATS, USERS_DLQ)) {
            declares(bindings, processor, output, WRITE);
        }
        grant(bindings, processor, TOPIC, "stream-processor-", PREFIXED, ALL);
        grant(bindings, processor, GROUP, "stream-processor", PREFIXED, READ, DESCRIBE);
        grant(bindings, processor, TRANSACTIONAL_ID, "stream-processor", PREFIXED, WRITE, DESCRIBE);

        String store = principal(ServerKind.STORE);
        for (String input : List.of(USERS_PROCESSED, USER_STATS, USERS_DLQ)) {
            declares(bindings, store, input, READ);
        }
        grant(bindings, store, TOPIC, USERS_DLQ, PREFIXED, WRITE); // what it cannot decode or store goes there
        grant(bindings, store, GROUP, "user-store-service", PREFIXED, READ, DESCRIBE);

        // The console reads every topic, re-drives into users_created with its audit record in one transaction,
        // and shows the lag of the processor's and the store's groups.
        String console = principal(ServerKind.CONSOLE);
        for (String topic : List.of(USERS_CREATED, USERS_PROCESSED, USER_STATS, USERS_DLQ)) {
            grant(bindings, console, TOPIC, topic, PREFIXED, READ, DESCRIBE);
        }
        grant(bindings, console, TOPIC, USERS_CREATED, PREFIXED, WRITE);
        declares(bindings, console, REDRIVE_AUDIT, READ, WRITE);
        grant(bindings, console, TRANSACTIONAL_ID, "console-redrive-", PREFIXED, WRITE, DESCRIBE);
        grant(bindings, console, GROUP, "stream-processor", PREFIXED, DESCRIBE);
        grant(bindings, console, CLUSTER, "kafka-cluster", LITERAL, DESCRIBE); // each topic's size (describeLogDirs)
        grant(bindings, console, GROUP, "user-store-service", PREFIXED, DESCRIBE);
        return List.copyOf(bindings);
    }

    /** {@code User:<service's name>}. */
    static String principal(ServerKind service) {
        return "User:" + service.displayName();
    }

    private static void declares(List<AclBinding> bindings, String principal, String topic, AclOperation... uses) {
        List<AclOperation> operations = new ArrayList<>(DECLARES);
        operations.addAll(List.of(uses));
        grant(bindings, principal, TOPIC, topic, PREFIXED, operations.toArray(AclOperation[]::new));
    }

    private static void grant(List<AclBinding> bindings, String principal, ResourceType type, String name, PatternType pattern,
                              AclOperation... operations) {
        for (AclOperation operation : operations) {
            bindings.add(new AclBinding(new ResourcePattern(type, name, pattern),
                    new AccessControlEntry(principal, "*", operation, AclPermissionType.ALLOW)));
        }
    }
}
