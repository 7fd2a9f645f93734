package io.userstream.store.query;

import java.util.List;

/**
 * One page of a run's dead letters and the token of the next, {@code null} after the last.
 *
 * @param items         in storage order (shard by shard, then by source topic, partition, offset)
 * @param nextPageToken opaque; pass it back as {@code pageToken} to get the next page
 */
public record DeadLettersPage(List<DeadLetterView> items, String nextPageToken) {
}
