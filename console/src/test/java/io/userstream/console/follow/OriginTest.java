package io.userstream.console.follow;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OriginTest {

    @Test
    void anIdNamesTopicPartitionAndOffsetAndReadsBack() {
        Origin origin = new Origin("users_created", 3, 1200);
        assertThat(origin.id()).isEqualTo("users_created-3-1200");
        assertThat(Origin.parse(origin.id())).isEqualTo(origin);
    }

    @Test
    void aTopicWithDashesStillReadsBack() {
        Origin origin = new Origin("stream-processor-stats-repartition", 0, 7);
        assertThat(Origin.parse(origin.id())).isEqualTo(origin);
    }

    @Test
    void whatIsNotAnIdIsNull() {
        assertThat(Origin.parse("users_created")).isNull();
        assertThat(Origin.parse("users_created-x-1")).isNull();
        assertThat(Origin.parse("-1-2")).isNull();
    }
}
