package io.userstream.ingest.ledger;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;

/**
 * This instance as the ledger names it, and how long a run stays its own without a renewal.
 *
 * @param instanceId the {@code owner} of the runs this instance queued or executes
 * @param lease      how far ahead each claim or renewal reaches
 */
public record RunOwner(String instanceId, Duration lease) {

    /** {@code ingest.ledger.instance-id}, or {@code <host>:<port>} when the port is fixed, or {@code <host>/<pid>}. */
    static RunOwner of(LedgerProperties properties, int serverPort) {
        if (properties.instanceId() != null && !properties.instanceId().isBlank()) {
            return new RunOwner(properties.instanceId(), properties.runLease());
        }
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "localhost";
        }
        String instance = serverPort > 0 ? host + ":" + serverPort : host + "/" + ProcessHandle.current().pid();
        return new RunOwner(instance, properties.runLease());
    }
}
