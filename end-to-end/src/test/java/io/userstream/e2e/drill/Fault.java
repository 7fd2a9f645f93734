package io.userstream.e2e.drill;

import io.userstream.localstack.ServerId;
import io.userstream.localstack.ServerKind;
import io.userstream.localstack.Topology;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** One fault a drill injects into the running stack at a random moment of a run. */
public sealed interface Fault {

    /** How the fault reads in reports, e.g. {@code kill -9 kafka}. */
    String name();

    /** The source the drill's run must use for this fault to hit it. */
    default String source() {
        return "faker";
    }

    /** No fault: the control drill, whose numbers every other drill is compared with. */
    record None() implements Fault {
        @Override
        public String name() {
            return "none (control)";
        }
    }

    /** SIGKILL of the server's process; the stack's supervisor starts it again, as Compose's restart policy would. */
    record Kill(ServerId server) implements Fault {
        /** The first (or only) server of a kind. */
        public Kill(ServerKind kind) {
            this(ServerId.first(kind));
        }

        @Override
        public String name() {
            return "kill -9 " + server.displayName();
        }
    }

    /** The servers stopped (gracefully, on purpose: the supervisor leaves them down), then started after {@code length}. */
    record Outage(List<ServerId> servers, Duration length) implements Fault {
        /** The first (or only) server of a kind. */
        public Outage(ServerKind kind, Duration length) {
            this(List.of(ServerId.first(kind)), length);
        }

        @Override
        public String name() {
            return length.toSeconds() + " s outage of " + String.join(" and ", servers.stream().map(ServerId::displayName).toList());
        }
    }

    /** randomuser.me (a local stand-in) misbehaving for {@code length}. */
    record SourceTrouble(Trouble trouble, Duration length) implements Fault {
        @Override
        public String name() {
            return "randomuser.me " + trouble.description + " for " + length.toSeconds() + " s";
        }

        @Override
        public String source() {
            return "randomuser";
        }
    }

    enum Trouble {
        SERVER_ERRORS("answering 500"), RATE_LIMITED("answering 429"), HANGING("hanging");

        final String description;

        Trouble(String description) {
            this.description = description;
        }
    }

    /** One record of garbage bytes and one with an unknown schema id in every topic the pipeline reads. */
    record Poison() implements Fault {
        @Override
        public String name() {
            return "poison record in every topic read";
        }
    }

    /** The drills for a stack of this topology: {@link #all()} for one node, {@link #cluster(Topology)} for several. */
    static List<Fault> of(Topology topology) {
        return topology.isCluster() ? cluster(topology) : all();
    }

    /**
     * The node-loss drills of a cluster: one Kafka broker, one Cassandra node and one instance of each service killed,
     * and two Cassandra nodes of three lost for 60 s (LOCAL_QUORUM then refuses every write: the store must wait).
     * ingest-service's first instance is the one the DAG calls, so it owns the run that is killed with it.
     */
    static List<Fault> cluster(Topology topology) {
        List<Fault> cluster = new ArrayList<>();
        cluster.add(new None());
        cluster.add(new Kill(new ServerId(ServerKind.KAFKA, 2)));
        cluster.add(new Kill(new ServerId(ServerKind.CASSANDRA, 2)));
        cluster.add(new Kill(ServerId.first(ServerKind.INGEST)));
        cluster.add(new Kill(new ServerId(ServerKind.PROCESSOR, 2)));
        cluster.add(new Kill(new ServerId(ServerKind.STORE, 2)));
        cluster.add(new Outage(List.of(new ServerId(ServerKind.CASSANDRA, 2), new ServerId(ServerKind.CASSANDRA, 3)), Duration.ofSeconds(60)));
        return cluster;
    }

    /** Every drill of the fault-drill issue, in the order bench/drills.sh runs them. */
    static List<Fault> all() {
        List<Fault> all = new ArrayList<>();
        all.add(new None());
        for (ServerKind kind : List.of(ServerKind.INGEST, ServerKind.PROCESSOR, ServerKind.STORE, ServerKind.KAFKA,
                ServerKind.CASSANDRA, ServerKind.POSTGRES, ServerKind.REGISTRY)) {
            all.add(new Kill(kind));
        }
        for (ServerKind kind : List.of(ServerKind.KAFKA, ServerKind.CASSANDRA, ServerKind.POSTGRES)) {
            all.add(new Outage(kind, Duration.ofSeconds(60)));
        }
        for (Trouble trouble : Trouble.values()) {
            all.add(new SourceTrouble(trouble, Duration.ofSeconds(60)));
        }
        all.add(new Poison());
        return all;
    }
}
