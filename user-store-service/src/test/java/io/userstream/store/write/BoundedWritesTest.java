package io.userstream.store.write;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

import com.datastax.oss.driver.api.core.metadata.Node;
import com.datastax.oss.driver.api.core.servererrors.InvalidQueryException;
import com.datastax.oss.driver.api.core.servererrors.UnauthorizedException;
import com.datastax.oss.driver.api.core.servererrors.UnavailableException;
import com.datastax.oss.driver.api.core.servererrors.WriteTimeoutException;
import com.datastax.oss.driver.api.core.servererrors.WriteType;
import com.datastax.oss.driver.api.core.DefaultConsistencyLevel;
import org.junit.jupiter.api.Test;

/** Which Cassandra errors fail one item for good (it is dead-lettered) and which fail the batch (it is retried). */
class BoundedWritesTest {

    private final Node coordinator = mock(Node.class);

    @Test
    void anInvalidStatementRefusesItsItem() {
        assertThat(BoundedWrites.refusesTheItem(new InvalidQueryException(coordinator, "Key length of 70000 is longer than maximum"))).isTrue();
    }

    /**
     * What ClusterIT saw with two of three Cassandra nodes down: system_auth cannot be read at quorum, and Cassandra
     * answers a write with Unauthorized. No user is at fault: the batch waits for a node to return.
     */
    @Test
    void aRefusedAuthorizationIsRetriedNotDeadLettered() {
        assertThat(BoundedWrites.refusesTheItem(new UnauthorizedException(coordinator,
                "Unable to perform authorization of super-user permission: Operation timed out - received only 1 responses."))).isFalse();
        assertThat(BoundedWrites.refusesTheItem(new UnauthorizedException(coordinator,
                "User user_store has no MODIFY permission on <table userstream.users> or any of its parents"))).isFalse();
    }

    @Test
    void aMissingQuorumIsRetried() {
        assertThat(BoundedWrites.refusesTheItem(new UnavailableException(coordinator, DefaultConsistencyLevel.LOCAL_QUORUM, 2, 1))).isFalse();
        assertThat(BoundedWrites.refusesTheItem(new WriteTimeoutException(coordinator, DefaultConsistencyLevel.LOCAL_QUORUM, 1, 2,
                WriteType.SIMPLE))).isFalse();
    }
}
