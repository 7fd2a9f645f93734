package io.userstream.localstack;

import java.util.Comparator;

/**
 * One server of a stack: its kind and its number among the servers of that kind (1 for the only one; a cluster's
 * Kafka brokers and Cassandra nodes are 1 to n, a service's instances 1 and 2, see {@link Topology}).
 */
public record ServerId(ServerKind kind, int number) implements Comparable<ServerId> {

    private static final Comparator<ServerId> ORDER = Comparator.comparing(ServerId::kind).thenComparingInt(ServerId::number);

    public ServerId {
        if (number < 1) {
            throw new IllegalArgumentException("server numbers start at 1, was " + number);
        }
    }

    /** The first (or only) server of a kind. */
    public static ServerId first(ServerKind kind) {
        return new ServerId(kind, 1);
    }

    /** {@code kafka} for the first, {@code kafka-2} for the second: the name in logs, state folders and the pipeline command. */
    public String displayName() {
        return number == 1 ? kind.displayName() : kind.displayName() + "-" + number;
    }

    /** "kafka-2" → kafka, 2; "kafka" → kafka, 1. */
    public static ServerId fromDisplayName(String name) {
        int dash = name.lastIndexOf('-');
        if (dash > 0 && name.substring(dash + 1).matches("[1-9]\\d?")) {
            try {
                return new ServerId(ServerKind.fromDisplayName(name.substring(0, dash)), Integer.parseInt(name.substring(dash + 1)));
            } catch (IllegalArgumentException notANumberedServer) {
                // a kind whose own name ends in -<digits>: fall through
            }
        }
        return first(ServerKind.fromDisplayName(name));
    }

    @Override
    public int compareTo(ServerId other) {
        return ORDER.compare(this, other);
    }

    @Override
    public String toString() {
        return displayName();
    }
}
