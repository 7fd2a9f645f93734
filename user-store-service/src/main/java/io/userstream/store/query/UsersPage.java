package io.userstream.store.query;

import java.util.List;

/**
 * One page of users and the token of the next, {@code null} after the last.
 *
 * @param items         users, newest registered first
 * @param nextPageToken opaque; pass it back as {@code pageToken} to get the next page
 */
public record UsersPage(List<UserView> items, String nextPageToken) {
}
